"""ssl-key-passphrase-pem: TLS key files the server cannot use as given.

``encrypted-key-no-password``: ``--ssl-keyfile`` is an encrypted PEM key and no
password is given. Correct behaviour (``fixed``): the server exits non-zero at
once with a message about the key, without waiting on a pass-phrase prompt and
without a Python traceback. The failure (``reproduces``): it blocks on
OpenSSL's ``Enter PEM pass phrase:`` prompt (kind ``passphrase-prompt``), or
dies with ``ssl.SSLError ... PEM lib`` / a traceback (kind ``pem-lib-traceback``).

``mismatched-key``: the key does not belong to the certificate. Same verdicts:
a clean error is ``fixed``; a traceback ending in ``KEY_VALUES_MISMATCH`` is
``reproduces`` (kind ``key-mismatch-traceback``).

``fix-keyfile-password``: the encrypted key with ``--ssl-keyfile-password``
(uvicorn 0.12.2 and later) serves HTTPS verified against the run's CA.

``fix-pem-files``: the certificate and its key arrive as a PKCS#12 export
(``site.pfx``) next to a key of another certificate. ``convert.py`` runs the
entry's openssl commands (split the PFX into PEM, compare the public-key
digests); ``fixed`` when the digests single out the right key and the server
serves HTTPS with the converted files.

``fix-decrypt-key``: the encrypted key of ``encrypted-key-no-password`` is
decrypted with ``openssl pkey`` into a mode-600 file; ``fixed`` when the server
then serves HTTPS without any password option (so it works before 0.12.2 too).
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import (
    Run,
    Verdict,
    fixed,
    harness_error,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

# --ssl-keyfile / --ssl-certfile exist since 0.5.x; the releases from 0.12 install
# with their dependencies.
RELEASES = ">=0.12.0"
PASSWORD = "doctor-secret"

PROMPT = r"Enter PEM pass phrase"
TRACE = r"Traceback \(most recent call last\)"


def _encrypted_key(run: Run) -> str:
    from cryptography.hazmat.primitives import serialization

    files = run.tls()
    key = serialization.load_pem_private_key(files.key.read_bytes(), password=None)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSWORD.encode()),
    )
    run.path("encrypted-key.pem").write_bytes(pem)
    return "encrypted-key.pem"


def _other_key(run: Run) -> str:
    import trustme

    trustme.CA().issue_cert("127.0.0.1").private_key_pem.write_to_path(
        str(run.path("other-key.pem"))
    )
    return "other-key.pem"


def _start(run: Run, key: str, *extra: str, cert: str | None = None) -> tuple[str, str, int | None]:
    files = run.tls()
    port = run.port()
    proc = run.start_cli(
        "app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--ssl-certfile",
        cert or str(files.cert),
        "--ssl-keyfile",
        key,
        *extra,
    )
    run.step(f"waiting for HTTPS on {port}, an exit or a pass-phrase prompt")
    state = run.exit_or_serve(proc, port, tls=True, timeout=12, watch=PROMPT)
    return state, proc.output(), proc.returncode


def _bad_key(run: Run, key: str, traceback_kind: str) -> Verdict:
    state, text, code = _start(run, key)
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if re.search(PROMPT, text) or state == "timeout":
        return reproduces("passphrase-prompt", f"waits for a pass phrase ({state})", tail(text))
    if state == "serving":
        return reproduces("served", "served HTTPS with a key it should have refused", tail(text))
    if re.search(TRACE, text):
        last = [line for line in text.splitlines() if re.match(r"[\w.]+(Error|Exception)\b", line)]
        return reproduces(traceback_kind, f"exit {code} with a traceback", "\n".join(last[-2:]))
    return fixed("clean-error", f"exit {code}: refused the key without a traceback", tail(text))


@scenario("encrypted-key-no-password")
def encrypted_key_no_password(run: Run) -> Verdict:
    return _bad_key(run, _encrypted_key(run), "pem-lib-traceback")


@scenario("mismatched-key")
def mismatched_key(run: Run) -> Verdict:
    return _bad_key(run, _other_key(run), "key-mismatch-traceback")


@scenario("fix-keyfile-password")
def fix_keyfile_password(run: Run) -> Verdict:
    state, text, code = _start(run, _encrypted_key(run), "--ssl-keyfile-password", PASSWORD)
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if state == "serving":
        line = next((ln for ln in text.splitlines() if "https://" in ln), "")
        return fixed("serves-https", "the encrypted key with its password served HTTPS", line)
    return reproduces("no-https", f"{state}, exit {code}", tail(text))


def _served(state: str, text: str, code: int | None, what: str) -> Verdict:
    if state == "serving":
        line = next((ln for ln in text.splitlines() if "https://" in ln), "")
        return fixed("serves-https", what, line)
    return reproduces("no-https", f"{state}, exit {code}", tail(text))


def _convert(run: Run, mode: str) -> str | None:
    """Run convert.py (the openssl commands); its output, or None when it failed."""
    proc = run.start_script("convert.py", mode, PASSWORD, name=f"openssl-{mode}")
    code = proc.wait(30)
    return proc.output() if code == 0 else None


@scenario("fix-pem-files")
def fix_pem_files(run: Run) -> Verdict:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    files = run.tls()
    key = serialization.load_pem_private_key(files.key.read_bytes(), password=None)
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    pfx = pkcs12.serialize_key_and_certificates(
        b"site", key, cert, None, serialization.BestAvailableEncryption(PASSWORD.encode())
    )
    run.path("site.pfx").write_bytes(pfx)
    _other_key(run)
    run.step("splitting site.pfx into PEM files and comparing public-key digests")
    out = _convert(run, "pfx")
    if out is None:
        return harness_error("the openssl conversion failed")
    digests = dict(re.findall(r"^(\S+\.pem) ([0-9a-f]{64})$", out, re.MULTILINE))
    if len(digests) != 3:
        return harness_error(f"convert.py printed no digests: {tail(out)}")
    if digests["key.pem"] != digests["cert.pem"] or digests["other-key.pem"] == digests["cert.pem"]:
        return reproduces(
            "digest-check", "the digest check did not single out the matching key", out
        )
    state, text, code = _start(run, "key.pem", cert="cert.pem")
    return _served(
        state, text, code, "PEM files split from the PFX, key checked by digest: served HTTPS"
    )


@scenario("fix-decrypt-key")
def fix_decrypt_key(run: Run) -> Verdict:
    _encrypted_key(run)
    run.step("decrypting the key with openssl pkey into a mode-600 file")
    out = _convert(run, "decrypt")
    if out is None or "key.pem mode 600" not in out:
        return harness_error(f"the openssl decryption failed: {tail(out or '')}")
    state, text, code = _start(run, "key.pem")
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    return _served(state, text, code, "the decrypted mode-600 key served HTTPS without a password")

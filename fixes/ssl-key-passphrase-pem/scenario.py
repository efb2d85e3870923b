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
from typing import cast

from troubleshoot.harness.api import Launch, Run, Verdict, harness_error, reproduces, scenario, tail

# --ssl-keyfile / --ssl-certfile exist since 0.5.x; the releases from 0.12 install
# with their dependencies.
RELEASES = ">=0.12.0"
PASSWORD = "doctor-secret"

PROMPT = r"Enter PEM pass phrase"


def _encrypted_key(run: Run) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(run.tls().key.read_bytes(), password=None)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSWORD.encode()),
    )
    run.path("encrypted-key.pem").write_bytes(pem)
    return "encrypted-key.pem"


def _other_key(run: Run) -> str:
    import trustme

    key = trustme.CA().issue_cert("127.0.0.1").private_key_pem
    key.write_to_path(str(run.path("other-key.pem")))
    return "other-key.pem"


def _start(run: Run, key: str, *extra: str, cert: str | None = None) -> Launch:
    """``uvicorn app:app --ssl-certfile CERT --ssl-keyfile KEY EXTRA``, waited for
    until it serves HTTPS (verified against the run's CA), exits or prompts."""
    cert = cert or str(run.tls().cert.relative_to(run.workdir))  # as a person types it
    args = ["--ssl-certfile", cert, "--ssl-keyfile", key, *extra]
    launch = run.launch_cli("app:app", *args, wait=False)
    launch.tls = True
    launch.settle(12, watch=PROMPT)
    return launch


def _bad_key(run: Run, key: str, traceback_kind: str) -> Verdict:
    launch = _start(run, key)
    if (unsupported := launch.unsupported()) is not None:
        return unsupported
    if launch.find(PROMPT) or launch.state == "timeout":
        return launch.reproduces("passphrase-prompt", f"waits for a pass phrase ({launch.state})")
    if launch.state == "serving":
        return launch.reproduces("served", "served HTTPS with a key it should have refused")
    if launch.find(r"Traceback \(most recent call last\)"):
        last = "\n".join(launch.lines(r"^[\w.]+(Error|Exception)\b")[-2:])
        return launch.reproduces(traceback_kind, f"exit {launch.code} with a traceback", last)
    return launch.fixed("clean-error", f"exit {launch.code}: refused the key without a traceback")


@scenario("encrypted-key-no-password")
def encrypted_key_no_password(run: Run) -> Verdict:
    return _bad_key(run, _encrypted_key(run), "pem-lib-traceback")


@scenario("mismatched-key")
def mismatched_key(run: Run) -> Verdict:
    return _bad_key(run, _other_key(run), "key-mismatch-traceback")


def _serves_https(launch: Launch) -> Verdict:
    return launch.verdict(serves="serves-https", otherwise="no-https")


@scenario("fix-keyfile-password")
def fix_keyfile_password(run: Run) -> Verdict:
    return _serves_https(_start(run, _encrypted_key(run), "--ssl-keyfile-password", PASSWORD))


def _convert(run: Run, mode: str) -> str | None:
    """Run convert.py (the openssl commands); its output, or None when it failed."""
    launch = run.launch_script("convert.py", mode, PASSWORD, name=f"openssl-{mode}", timeout=30)
    return launch.text if launch.code == 0 else None


@scenario("fix-pem-files")
def fix_pem_files(run: Run) -> Verdict:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    files = run.tls()
    key = serialization.load_pem_private_key(files.key.read_bytes(), password=None)
    key = cast("pkcs12.PKCS12PrivateKeyTypes", key)  # the run's key: RSA or EC
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    pfx = pkcs12.serialize_key_and_certificates(
        b"site", key, cert, None, serialization.BestAvailableEncryption(PASSWORD.encode())
    )
    run.path("site.pfx").write_bytes(pfx)
    _other_key(run)
    run.step("splitting site.pfx into PEM files and comparing public-key digests")
    if (out := _convert(run, "pfx")) is None:
        return harness_error("the openssl conversion failed")
    digests = dict(re.findall(r"^(\S+\.pem) ([0-9a-f]{64})$", out, re.MULTILINE))
    if len(digests) != 3:
        return harness_error(f"convert.py printed no digests: {tail(out)}")
    if digests["key.pem"] != digests["cert.pem"] or digests["other-key.pem"] == digests["cert.pem"]:
        return reproduces("digest-check", "the digest check did not single out the key", out)
    return _serves_https(_start(run, "key.pem", cert="cert.pem"))


@scenario("fix-decrypt-key")
def fix_decrypt_key(run: Run) -> Verdict:
    _encrypted_key(run)
    run.step("decrypting the key with openssl pkey into a mode-600 file")
    if (out := _convert(run, "decrypt")) is None or "key.pem mode 600" not in out:
        return harness_error(f"the openssl decryption failed: {tail(out or '')}")
    return _serves_https(_start(run, "key.pem"))

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
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, not_applicable, reproduces, scenario, tail

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

    trustme.CA().issue_cert("127.0.0.1").private_key_pem.write_to_path(str(run.path("other-key.pem")))
    return "other-key.pem"


def _start(run: Run, key: str, *extra: str) -> tuple[str, str, int | None]:
    files = run.tls()
    port = run.port()
    proc = run.start_cli(
        "app:app", "--host", "127.0.0.1", "--port", str(port),
        "--ssl-certfile", str(files.cert), "--ssl-keyfile", key, *extra,
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

"""proxy-headers-untrusted: X-Forwarded-* from a proxy that uvicorn does not trust.

The client is a "proxy" at a loopback address other than 127.0.0.1: it
connects from ``127.0.0.2`` (all of 127.0.0.0/8 is loopback on Linux), the
way a proxy in another container arrives from 172.17.0.1, and sends
``X-Forwarded-For: 203.0.113.7`` and ``X-Forwarded-Proto: https``. The app
answers with ``scope["client"]`` and ``scope["scheme"]``.

Correct behaviour (``fixed``): ``client=203.0.113.7 scheme=https``. The
failure (``reproduces``, kind ``proxy-ignored``): the proxy's address and
``http``; uvicorn trusts forwarding headers only from
``--forwarded-allow-ips`` (default ``127.0.0.1``).

- ``proxy-not-trusted``: ``--proxy-headers`` with the default trust list.
- ``quoted-star``: ``--forwarded-allow-ips="'*'"``, what the exec-form
  Docker ``CMD [..., "--forwarded-allow-ips='*'"]`` passes (#1223): the
  quotes are part of the value, which matches no address.
- ``run-list-star``: ``uvicorn.run(..., forwarded_allow_ips=["*"])``; 0.31.0
  compared the whole list with ``"*"`` and trusted nobody (fixed by #2480 in
  0.31.1).
- ``fix-forwarded-allow-ips``: ``--forwarded-allow-ips 127.0.0.2`` (the
  proxy's address).
- ``uds-not-trusted``: the proxy talks to uvicorn over a unix socket
  (``--uds``) with the default trust list: there is no client address to
  match, so the headers are ignored (the app sees no client and ``http``).
- ``fix-uds-trust-star``: the same with ``--forwarded-allow-ips *`` (the
  argument as a shell passes it after removing the quotes of ``'*'``).

The reference server has no proxy-header handling (no ``--proxy-headers`` or
``--forwarded-allow-ips``), so these scenarios do not apply to it.
"""

from __future__ import annotations

import re
import socket

from troubleshoot.harness.api import (
    Proc,
    Run,
    ServerSpec,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

# --forwarded-allow-ips and its 127.0.0.1 default exist from 0.10; the
# bisect looks at the last years of releases.
RELEASES = ">=0.20.0"
# 127.0.0.2 is a loopback address on Linux only.
PLATFORMS = ("linux",)

PROXY_ADDRESS = "127.0.0.2"
READY = r"Uvicorn running on"


def _no_reference(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return (
            "the reference server does not implement proxy headers (no "
            "--proxy-headers or --forwarded-allow-ips): X-Forwarded-* are never applied there"
        )
    return None


def _via_proxy(port: int) -> str:
    request = (
        "GET /whoami HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "X-Forwarded-For: 203.0.113.7\r\n"
        "X-Forwarded-Proto: https\r\n"
        "Connection: close\r\n\r\n"
    )
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.bind((PROXY_ADDRESS, 0))
        sock.connect(("127.0.0.1", port))
        sock.sendall(request.encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data.decode("latin-1")


def _via_unix_socket(path: str) -> str:
    request = (
        "GET /whoami HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 203.0.113.7\r\n"
        "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
    )
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(path)
        sock.sendall(request.encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data.decode("latin-1")


def _judge(run: Run, proc: Proc, port: int, uds: str | None = None) -> Verdict:
    if not proc.wait_for(READY, 20):
        reason = run.unsupported(proc.output())
        if reason:
            return not_applicable(reason)
        return reproduces("no-start", "the server did not start", tail(proc.output()))
    if uds is not None:
        run.step("GET /whoami over the unix socket with X-Forwarded-For/-Proto")
        answer = _via_unix_socket(uds)
    else:
        run.step(f"GET /whoami from {PROXY_ADDRESS} with X-Forwarded-For/-Proto")
        answer = _via_proxy(port)
    seen = re.search(r"client=\S+ scheme=\S+", answer)
    if seen is None:
        return reproduces("other", "no answer from the app", answer[:200] or tail(proc.output()))
    access = next((ln for ln in proc.output().splitlines() if "/whoami" in ln), seen[0])
    if seen[0] == "client=203.0.113.7 scheme=https":
        return fixed("proxy-trusted", seen[0], access)
    return reproduces("proxy-ignored", f"the app saw {seen[0]}", access)


def _cli(run: Run, *trust: str) -> Verdict:
    port = run.port()
    proc = run.start_cli(
        "app:app", "--host", "127.0.0.1", "--port", str(port), "--proxy-headers", *trust
    )
    return _judge(run, proc, port)


@scenario("proxy-not-trusted", requires=_no_reference)
def proxy_not_trusted(run: Run) -> Verdict:
    return _cli(run)


@scenario("quoted-star", requires=_no_reference)
def quoted_star(run: Run) -> Verdict:
    return _cli(run, "--forwarded-allow-ips='*'")


@scenario("run-list-star", requires=_no_reference)
def run_list_star(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_script("serve_list_star.py", str(port))
    return _judge(run, proc, port)


@scenario("fix-forwarded-allow-ips", requires=_no_reference)
def fix_forwarded_allow_ips(run: Run) -> Verdict:
    return _cli(run, "--forwarded-allow-ips", PROXY_ADDRESS)


def _uds(run: Run, *trust: str) -> Verdict:
    path = str(run.path("proxy.sock"))
    proc = run.start_cli("app:app", "--uds", path, "--proxy-headers", *trust)
    return _judge(run, proc, 0, uds=path)


@scenario("uds-not-trusted", requires=_no_reference)
def uds_not_trusted(run: Run) -> Verdict:
    return _uds(run)


@scenario("fix-uds-trust-star", requires=_no_reference)
def fix_uds_trust_star(run: Run) -> Verdict:
    return _uds(run, "--forwarded-allow-ips", "*")

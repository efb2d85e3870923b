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

from troubleshoot.harness.api import Launch, Run, Verdict, scenario, uvicorn_only

# --forwarded-allow-ips and its 127.0.0.1 default exist from 0.10; the
# bisect looks at the last years of releases.
RELEASES = ">=0.20.0"
# 127.0.0.2 is a loopback address on Linux only.
PLATFORMS = ("linux",)

PROXY_ADDRESS = "127.0.0.2"
READY = r"Uvicorn running on"
TRUSTED = "client=203.0.113.7 scheme=https"
REQUEST = (
    b"GET /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 203.0.113.7\r\n"
    b"X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
)
NO_PROXY_HEADERS = uvicorn_only(
    "the reference server does not implement proxy headers (no "
    "--proxy-headers or --forwarded-allow-ips): X-Forwarded-* are never applied there"
)


def _ask(address: str | tuple[str, int]) -> str:
    """GET /whoami from the proxy: a unix socket path, or from 127.0.0.2 to a TCP address."""
    with socket.socket(socket.AF_UNIX if isinstance(address, str) else socket.AF_INET) as sock:
        sock.settimeout(5)
        if not isinstance(address, str):
            sock.bind((PROXY_ADDRESS, 0))
        sock.connect(address)
        sock.sendall(REQUEST)
        return b"".join(iter(lambda: sock.recv(65536), b"")).decode("latin-1")


def _judge(launch: Launch, uds: str | None = None) -> Verdict:
    if launch.wait_for(READY, 20) is None:
        return launch.unsupported() or launch.reproduces("no-start", "the server did not start")
    launch.run.step(f"GET /whoami from the proxy ({uds or PROXY_ADDRESS}) with X-Forwarded-*")
    answer = _ask(uds or ("127.0.0.1", launch.port))
    if (seen := re.search(r"client=\S+ scheme=\S+", answer)) is None:
        return launch.reproduces("other", "no answer from the app", answer[:200] or None)
    access = next(iter(launch.lines("/whoami")), seen[0]).strip()
    if seen[0] == TRUSTED:
        return launch.fixed("proxy-trusted", seen[0], access)
    return launch.reproduces("proxy-ignored", f"the app saw {seen[0]}", access)


@scenario("proxy-not-trusted", requires=NO_PROXY_HEADERS)
@scenario("quoted-star", "--forwarded-allow-ips='*'", requires=NO_PROXY_HEADERS)
@scenario(
    "fix-forwarded-allow-ips", "--forwarded-allow-ips", PROXY_ADDRESS, requires=NO_PROXY_HEADERS
)
def _cli(run: Run, *trust: str) -> Verdict:
    return _judge(run.launch_cli("app:app", "--proxy-headers", *trust, wait=False))


@scenario("uds-not-trusted", requires=NO_PROXY_HEADERS)
@scenario("fix-uds-trust-star", "--forwarded-allow-ips", "*", requires=NO_PROXY_HEADERS)
def _uds(run: Run, *trust: str) -> Verdict:
    path = str(run.path("proxy.sock"))
    args = ["app:app", "--uds", path, "--proxy-headers", *trust]
    return _judge(run.launch_cli(*args, bind=False, wait=False), uds=path)


@scenario("run-list-star", requires=NO_PROXY_HEADERS)
def run_list_star(run: Run) -> Verdict:
    return _judge(run.launch_script("serve_list_star.py", wait=False))

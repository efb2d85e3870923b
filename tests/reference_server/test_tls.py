"""TLS with reload and workers: the context is built in each serving process (#352 family)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from conftest import Launcher, TLSFiles, app_args, wait_until

GOOD_APP = """
import os

async def app(scope, receive, send):
    if scope["type"] == "http":
        body = f"{VERSION} {os.getpid()} {scope['scheme']}".encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})
"""


def write_app(folder: Path, version: str) -> None:
    (folder / "tlsapp.py").write_text(f"VERSION = {version!r}\n" + GOOD_APP)


def test_https_with_reload_before_and_after_a_reload(
    launch: Launcher, tmp_path: Path, tls: TLSFiles
) -> None:
    """uvicorn #352: SSL + --reload must build the context in the child, never pickle it."""
    write_app(tmp_path, "v1")
    server = launch("tlsapp:app", "--port", "0", "--reload", *tls.server_args(), cwd=tmp_path)
    url = server.url()
    assert url.startswith("https://")
    with httpx.Client(verify=tls.client_context, timeout=10) as client:
        first = client.get(url).text.split()
        assert first[0] == "v1"
        assert first[2] == "https"
        write_app(tmp_path, "v2")
        server.wait_event("reload_done")
        # the old worker finishes what it accepted, then exits; from then on only v2 serves
        server.wait_event("worker_exit", worker_pid=first[1])
        wait_until(lambda: client.get(url).text.startswith("v2"), 15, "v2 to be served")
        second = client.get(url).text.split()
    assert second[0] == "v2"
    assert second[1] != first[1]  # served by a new process with its own context


def test_https_with_workers(launch: Launcher, tls: TLSFiles) -> None:
    """uvicorn #352: SSL + --workers: every worker builds its own context and serves."""
    server = launch(*app_args("--workers", "2", *tls.server_args()))
    server.wait_event("startup_done")
    pids = set()

    def both_workers_answered() -> bool:
        # a new connection each time, so the kernel can hand it to either worker
        with httpx.Client(verify=tls.client_context, timeout=10) as client:
            response = client.get(server.url() + "/pid")
        assert response.status_code == 200
        pids.add(response.text)
        return len(pids) == 2

    wait_until(both_workers_answered, 20, "both workers to answer over TLS")


@pytest.mark.parametrize("mode", [["--reload"], ["--workers", "2"], []])
@pytest.mark.parametrize("problem", ["wrong-password", "missing-cert"])
def test_bad_tls_inputs_fail_fast_in_the_parent(
    launch: Launcher, tls: TLSFiles, tmp_path: Path, mode: list[str], problem: str
) -> None:
    """uvicorn #352 family: no worker crash-loop; the parent refuses before spawning."""
    if problem == "wrong-password":
        ssl_args = tls.server_args(password="wrong")
        expected = "wrong --ssl-keyfile-password"
    else:
        ssl_args = ["--ssl-certfile", str(tmp_path / "nope.pem"), "--ssl-keyfile", str(tls.key)]
        expected = "no such file"
    server = launch(*app_args(*mode, *ssl_args), wait_ready=False)
    assert server.wait_exit(timeout=15) == 2
    event = server.wait_event("tls_config_error")
    assert expected in event.fields["error"]
    assert not server.find("listening")  # https:// was never announced
    assert not server.find("worker_start")
    assert "Traceback" not in server.output


def test_tls_scope_and_client_certificates_optional(launch: Launcher, tls: TLSFiles) -> None:
    import json

    server = launch(
        *app_args(*tls.server_args(), "--ssl-ca-certs", str(tls.ca_cert), "--ssl-cert-reqs", "1")
    )
    with httpx.Client(verify=tls.client_context, timeout=10) as client:
        scope = json.loads(client.get(server.url() + "/scope").content)
    assert scope["scheme"] == "https"

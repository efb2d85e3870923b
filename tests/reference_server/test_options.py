"""Options that change what the app sees or what the server admits."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import httpx
from conftest import Launcher, app_args


def test_factory_and_root_path(launch: Launcher) -> None:
    server = launch(*app_args("--factory", "--root-path", "/api", app="testapp:create_app"))
    scope = json.loads(httpx.get(server.url() + "/scope", timeout=10).content)
    assert scope["root_path"] == "/api"
    assert scope["path"] == "/api/scope"


def test_limit_concurrency_answers_503(launch: Launcher) -> None:
    server = launch(*app_args("--limit-concurrency", "1"))
    parts = urlsplit(server.url())
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as held:
        held.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert held.recv(65536).startswith(b"HTTP/1.1 200")  # stays open (keep-alive)
        response = httpx.get(server.url(), timeout=10)
        assert response.status_code == 503
    assert server.wait_event("concurrency_limit").fields["limit"] == "1"


def test_port_zero_announces_the_bound_port(launch: Launcher) -> None:
    server = launch(*app_args())
    event = server.wait_event("listening")
    assert event.fields["port"] != "0"
    assert event.fields["url"] == f"http://127.0.0.1:{event.fields['port']}"
    assert httpx.get(event.fields["url"], timeout=10).text == "hello"

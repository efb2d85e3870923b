"""HTTP/1.1 and ASGI behaviour of one real server process (shared by this module)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from conftest import Launcher, ServerProcess, app_args, raw_request, wait_until


@pytest.fixture(scope="module")
def server(module_launch: Launcher) -> ServerProcess:
    return module_launch(*app_args("--timeout-keep-alive", "1", "--timeout-slow-client", "1"))


@pytest.fixture
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url(), timeout=10) as c:
        yield c


def raw(server: ServerProcess, payload: bytes, *, read_until_close: bool = True) -> bytes:
    """Send raw bytes and read the reply (until the server closes, or a short pause)."""
    port = urlsplit(server.url()).port
    assert port is not None
    return raw_request(port, payload, wait=10 if read_until_close else 0.5)


def test_get_keep_alive_reuses_one_connection(client: httpx.Client, server: ServerProcess) -> None:
    for _ in range(3):
        response = client.get("/pid?keep-alive")
        assert response.status_code == 200
        assert response.headers["server"] == "reference_server"
        assert "date" in response.headers
    events = [server.wait_event("request", count=n, path="/pid") for n in (1, 2, 3)]
    assert len({e.fields["client"] for e in events}) == 1


def test_pipelined_requests_are_answered_in_order(server: ServerProcess) -> None:
    payload = (
        b"GET /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
        b"GET /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nsecond"
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    reply = raw(server, payload)
    assert reply.count(b"HTTP/1.1 200 OK") == 3
    assert reply.index(b"first") < reply.index(b"second") < reply.index(b"hello")


def test_chunked_request_and_response_bodies(client: httpx.Client) -> None:
    def body() -> Iterator[bytes]:
        yield b"a" * 1000
        yield b"b" * 70000

    response = client.post("/echo", content=body())
    assert response.content == b"a" * 1000 + b"b" * 70000
    chunked = client.get("/chunked")
    assert chunked.headers["transfer-encoding"] == "chunked"
    assert chunked.content == b"one,two,three"


def test_head_has_headers_but_no_body(server: ServerProcess) -> None:
    reply = raw(server, b"HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"content-length: 5" in head
    assert body == b""


def test_expect_100_continue(server: ServerProcess) -> None:
    parts = urlsplit(server.url())
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
            b"Expect: 100-continue\r\nConnection: close\r\n\r\n"
        )
        interim = sock.recv(1024)
        assert interim.startswith(b"HTTP/1.1 100 ")
        sock.sendall(b"ping")
        reply = b""
        while data := sock.recv(65536):
            reply += data
    assert reply.startswith(b"HTTP/1.1 200 OK")
    assert reply.endswith(b"ping")


def test_asgi_scope(client: httpx.Client, server: ServerProcess) -> None:
    response = client.get("/scope%20x?a=1&b=%20", headers={"X-Custom": "Value"})
    scope = json.loads(response.content)
    parts = urlsplit(server.url())
    assert scope["type"] == "http"
    assert scope["asgi"]["version"] == "3.0"
    assert scope["http_version"] == "1.1"
    assert scope["scheme"] == "http"
    assert scope["method"] == "GET"
    assert scope["path"] == "/scope x"
    assert scope["raw_path"] == "/scope%20x"
    assert scope["query_string"] == "a=1&b=%20"
    assert scope["root_path"] == ""
    assert scope["server"] == [parts.hostname, parts.port]
    assert scope["client"][0] == "127.0.0.1"
    assert ["x-custom", "Value"] in scope["headers"]
    assert scope["header_types"] == ["bytes"]
    assert scope["state"] == {"started": "yes"}  # copied from lifespan startup


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/too-long", "response body longer than Content-Length"),
        ("/after-complete", "after the response was complete"),
        ("/no-response", "app returned without sending a response"),
    ],
)
def test_protocol_breaking_app_gets_500_or_close_and_a_precise_log(
    server: ServerProcess, client: httpx.Client, path: str, reason: str
) -> None:
    before = len(server.find("protocol_error"))
    reply = raw(server, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    if path != "/after-complete":  # the response was already complete there
        assert reply.startswith(b"HTTP/1.1 500 Internal Server Error")
    event = server.wait_event("protocol_error", count=before + 1)
    assert reason in event.fields["reason"]
    assert event.fields["path"] == path
    assert client.get("/").status_code == 200  # the worker keeps serving


def test_body_overflow_after_headers_closes_the_connection(
    server: ServerProcess, client: httpx.Client
) -> None:
    reply = raw(server, b"GET /too-long-later HTTP/1.1\r\nHost: x\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 200 OK")
    assert reply.endswith(b"abc")  # cut off: never more than declared, then closed
    assert server.wait_event("protocol_error", path="/too-long-later")
    assert client.get("/").status_code == 200


def test_app_exception_gets_500_and_a_traceback(
    server: ServerProcess, client: httpx.Client
) -> None:
    response = client.get("/raise")
    assert response.status_code == 500
    event = server.wait_event("app_error", path="/raise")
    assert event.fields["error"] == "RuntimeError: boom from the test app"
    wait_until(lambda: "Traceback (most recent call last)" in server.output, 5, "traceback")
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
        b"GET / HTTP/1.1\r\nBad Header\r\n\r\n",
    ],
)
def test_malformed_request_gets_400(
    server: ServerProcess, client: httpx.Client, payload: bytes
) -> None:
    reply = raw(server, payload)
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert client.get("/").status_code == 200


def test_oversized_header_is_refused(server: ServerProcess, client: httpx.Client) -> None:
    reply = raw(server, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 431 ")
    assert client.get("/").status_code == 200


def test_idle_keep_alive_connection_is_closed_after_timeout(server: ServerProcess) -> None:
    parts = urlsplit(server.url())
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        started = time.monotonic()
        data = sock.recv(65536)
        assert data.startswith(b"HTTP/1.1 200")
        while sock.recv(65536):
            pass  # returns b"" once the server closes the idle connection
        assert 0.5 < time.monotonic() - started < 8


def test_slow_client_is_cut_off(server: ServerProcess, client: httpx.Client) -> None:
    parts = urlsplit(server.url())
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        started = time.monotonic()
        assert sock.recv(65536) == b""  # closed without waiting for the rest forever
        assert time.monotonic() - started < 8
    assert client.get("/").status_code == 200


def test_websocket_upgrade_is_refused_clearly(server: ServerProcess) -> None:
    reply = raw(
        server,
        b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    )
    assert reply.startswith(b"HTTP/1.1 501 Not Implemented")
    assert b"WebSocket upgrades are not supported" in reply
    assert server.wait_event("websocket_refused")


def test_client_disconnect_is_reported_to_the_app(
    server: ServerProcess, client: httpx.Client
) -> None:
    """The app's receive() after the body returns http.disconnect once the client left
    (the app records what it got; /last-disconnect reads it back)."""
    before = len(server.find("request", path="/disconnect"))
    parts = urlsplit(server.url())
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(b"GET /disconnect HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.1)  # let the app reach its receive() (no reply is expected)
    server.wait_event("request", count=before + 1, path="/disconnect")
    assert client.get(server.url() + "/last-disconnect").text == "http.disconnect"


@pytest.mark.parametrize(
    "body",
    [
        b"Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n",  # a bad chunk size
        b"Transfer-Encoding: chunked\r\n\r\n5;" + b"e" * 100_000 + b"\r\nhello\r\n0\r\n\r\n",
    ],
    ids=["bad-chunk-size", "100kb-chunk-extension"],
)
def test_a_malformed_body_is_the_clients_fault(server: ServerProcess, body: bytes) -> None:
    """Issue 16: a broken request body gave 500 and an app_error with the server's own
    traceback; it is the client's error (400; 431 for an oversized chunk line, h11's
    hint) and a bad_request, as docs/reference-server.md says."""
    errors = len(server.find("app_error"))
    bad = len(server.find("bad_request"))
    reply = raw(server, b"POST /echo HTTP/1.1\r\nHost: x\r\n" + body)
    assert reply.startswith((b"HTTP/1.1 400 ", b"HTTP/1.1 431 ")), reply[:80]
    server.wait_event("bad_request", count=bad + 1)
    assert len(server.find("app_error")) == errors


def test_a_client_leaving_mid_body_is_not_an_app_error(
    server: ServerProcess, client: httpx.Client
) -> None:
    errors = len(server.find("app_error"))
    parts = urlsplit(server.url())
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        sock.shutdown(socket.SHUT_WR)  # the client is gone before the body is complete
        assert sock.recv(65536) == b""  # closed, nothing sent to a client that left
    assert client.get("/").status_code == 200  # the server went on
    assert len(server.find("app_error")) == errors


def test_content_length_and_chunked_together_close_after_the_response(
    server: ServerProcess,
) -> None:
    """Issue 16 item 12 (RFC 9112 section 6.1): a request framed both ways is answered,
    then the connection closes; the request hidden in its body is never served."""
    smuggled = b"GET /pid HTTP/1.1\r\nHost: x\r\n\r\n"
    body = b"0\r\n\r\n" + smuggled
    reply = raw(
        server,
        b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body,
    )
    assert reply.startswith(b"HTTP/1.1 200 ")
    assert reply.count(b"HTTP/1.1 ") == 1, reply  # the smuggled GET got no answer

"""Workers: spread, replaced when they die, drained on SIGTERM, rolled on SIGHUP."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import APPS_DIR, Launcher, ServerProcess, app_args, wait_until


def pid_of_new_connection(server: ServerProcess) -> str:
    response = httpx.get(server.url() + "/pid", timeout=10)
    assert response.status_code == 200
    return response.text


@pytest.fixture
def workers(launch: Launcher) -> ServerProcess:
    server = launch(*app_args("--workers", "2", "--timeout-graceful-shutdown", "5"))
    server.wait_event("startup_done")
    return server


def test_requests_spread_over_workers(workers: ServerProcess) -> None:
    expected = set(workers.find("startup_done")[0].fields["worker_pids"].split(","))
    seen: set[str] = set()
    wait_until(
        lambda: seen.add(pid_of_new_connection(workers)) or seen == expected,
        20,
        f"requests to reach both workers {expected}",
    )


def test_a_killed_worker_is_replaced(workers: ServerProcess) -> None:
    victim = workers.find("startup_done")[0].fields["worker_pids"].split(",")[0]
    os.kill(int(victim), signal.SIGKILL)
    exit_event = workers.wait_event("worker_exit", worker_pid=victim)
    assert exit_event.fields["reason"] == "crashed"
    assert exit_event.fields["exitcode"] == str(-signal.SIGKILL)
    replacement = workers.wait_event("worker_start", count=3)
    workers.wait_event("worker_ready", pid=replacement.fields["worker_pid"])
    seen: set[str] = set()
    wait_until(
        lambda: (
            seen.add(pid_of_new_connection(workers)) or replacement.fields["worker_pid"] in seen
        ),
        20,
        "the replacement to serve",
    )
    assert victim not in seen


def test_sigterm_drains_in_flight_requests(workers: ServerProcess) -> None:
    results: list[httpx.Response | Exception] = []

    def slow() -> None:
        try:
            results.append(httpx.get(workers.url() + "/slow?1", timeout=15))
        except Exception as exc:  # reported below
            results.append(exc)

    thread = threading.Thread(target=slow)
    thread.start()
    workers.wait_event("worker_ready")  # (already there) then make sure the request is in
    wait_until(lambda: _in_flight(workers), 10, "the slow request to reach a worker")
    workers.signal(signal.SIGTERM)
    thread.join(20)
    assert workers.wait_exit() == 0
    assert len(results) == 1 and isinstance(results[0], httpx.Response), results
    assert results[0].text == "slow done"
    assert results[0].headers.get("connection") == "close"


def _in_flight(server: ServerProcess) -> bool:
    # the access log line is written after the response, so look at the open connection
    # from the outside: the app sleeps; /proc shows an established socket in a worker
    return any(line for line in _established(server))


def _established(server: ServerProcess) -> list[str]:
    port = int(server.url().rsplit(":", 1)[1])
    hex_port = f":{port:04X}"
    lines = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                next(handle)
                for line in handle:
                    parts = line.split()
                    if parts[1].endswith(hex_port) and parts[3] == "01":
                        lines.append(line)
        except OSError:
            continue
    return lines


def test_graceful_timeout_bounds_shutdown(launch: Launcher) -> None:
    server = launch(*app_args("--workers", "2", "--timeout-graceful-shutdown", "0.5"))
    server.wait_event("startup_done")
    errors: list[Exception] = []

    def hang() -> None:
        try:
            httpx.get(server.url() + "/slow?30", timeout=30)
        except httpx.HTTPError as exc:
            errors.append(exc)

    thread = threading.Thread(target=hang)
    thread.start()
    wait_until(lambda: _in_flight(server), 10, "the hanging request to reach a worker")
    started = time.monotonic()
    server.signal(signal.SIGTERM)
    assert server.wait_exit() == 0
    assert time.monotonic() - started < 10
    thread.join(10)
    assert errors  # the request was cut, not left hanging
    assert server.find("shutdown_cancelled_requests")


def test_sighup_restarts_workers_one_at_a_time_without_refusing(workers: ServerProcess) -> None:
    before = set(workers.find("startup_done")[0].fields["worker_pids"].split(","))
    failures: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            try:
                pid_of_new_connection(workers)
            except (httpx.HTTPError, AssertionError) as exc:
                failures.append(repr(exc))

    thread = threading.Thread(target=hammer)
    thread.start()
    try:
        workers.signal(signal.SIGHUP)
        done = workers.wait_event("restart_done")
        for pid in before:
            workers.wait_event("worker_exit", worker_pid=pid)
    finally:
        stop.set()
        thread.join(30)
    assert failures == []
    after = set(done.fields["worker_pids"].split(","))
    assert after.isdisjoint(before) and len(after) == 2
    replaced = workers.find("worker_replace")
    assert [e.fields["old_pid"] in before for e in replaced] == [True, True]


def test_startup_failure_in_workers_is_fatal_not_a_crash_loop(launch: Launcher) -> None:
    server = launch("no_such_module:app", "--port", "0", "--workers", "2", wait_ready=False)
    assert server.wait_exit() == 3
    assert len(server.find("worker_start")) == 1
    assert server.find("startup_failed")


def test_unix_domain_socket(launch: Launcher, tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    server = launch(*app_args("--uds", str(path)))
    assert server.url() == f"http+unix://{path}"
    transport = httpx.HTTPTransport(uds=str(path))
    with httpx.Client(transport=transport, timeout=10) as client:
        assert client.get("http://x/").text == "hello"
    assert server.stop() == 0
    assert not path.exists()


def test_inherited_file_descriptor(launch: Launcher) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        fd = listener.fileno()
        server = launch("testapp:app", "--app-dir", str(APPS_DIR), "--fd", str(fd), pass_fds=(fd,))
    port = server.wait_event("listening").fields["port"]
    assert httpx.get(f"http://127.0.0.1:{port}/", timeout=10).text == "hello"


def test_a_new_connection_during_graceful_shutdown_is_refused_not_hung(
    workers: ServerProcess,
) -> None:
    """Issue 16 item 11: with workers, the supervisor kept the listening socket open
    during the drain; a new client's handshake completed and it then hung."""
    results: list[httpx.Response | Exception] = []
    thread = threading.Thread(
        target=lambda: results.append(httpx.get(workers.url() + "/slow?3", timeout=15))
    )
    thread.start()
    wait_until(lambda: _in_flight(workers), 10, "the slow request to reach a worker")
    workers.signal(signal.SIGTERM)
    workers.wait_event("shutdown_start")
    host, port = workers.url().rsplit("/", 1)[-1].rsplit(":", 1)
    refused = False
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not refused:
        try:
            with socket.create_connection((host, int(port)), timeout=2) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                sock.settimeout(2)
                refused = sock.recv(1024) == b""  # reset or closed, not left hanging
        except (ConnectionRefusedError, ConnectionResetError):
            refused = True
        except TimeoutError:
            break  # a hung connection: the bug
        time.sleep(0.05)
    thread.join(20)
    assert refused, "a connection made during graceful shutdown hung"
    assert workers.wait_exit() == 0
    assert isinstance(results[0], httpx.Response) and results[0].text == "slow done"

"""Fixtures for the reference server tests: real processes, real sockets, real TLS.

* ``tls`` — a trustme CA and a leaf for localhost/127.0.0.1/::1, written to disk with
  an *encrypted* key (password ``"hunter2"``), plus a client context trusting the CA.
* ``launch`` — start ``python -m reference_server`` (or a script) with the harness's ``Proc`` in
  its own process group, read the bound address from its log, and at teardown stop
  it, reap it, and fail if anything in its process group is still alive.
"""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reference_server.logs import parse_line
from troubleshoot.harness import procs
from troubleshoot.harness.procs import Proc, list_processes

REPO_ROOT = Path(__file__).resolve().parents[2]
APPS_DIR = Path(__file__).resolve().parent / "apps"
DEFAULT_TIMEOUT = 20.0
KEY_PASSWORD = "hunter2"


def subprocess_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra or {})
    return env


def children_of(pid: int) -> list[int]:
    """Direct live children of ``pid``, from /proc."""
    return [p.pid for p in list_processes() if p.ppid == pid and p.alive]


def is_resource_tracker(pid: int) -> bool:
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``predicate`` until it is truthy or the deadline passes."""
    if not procs.wait_until(lambda: bool(predicate()), timeout, interval=0.02):
        raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class Event:
    level: str
    name: str
    fields: dict[str, str]
    index: int


class ServerProcess:
    """A server subprocess in its own session/process group (the harness's ``Proc``),
    with its log parsed as it grows."""

    def __init__(
        self,
        argv: list[str],
        cwd: Path,
        env: dict[str, str],
        pass_fds: tuple[int, ...] = (),
        log_path: Path | None = None,
    ) -> None:
        self.argv = argv
        if log_path is None:
            fd, name = tempfile.mkstemp(prefix="reference-server-", suffix=".log")
            os.close(fd)
            log_path = Path(name)
        self.process = Proc("server", argv, cwd, env, log_path, pass_fds=pass_fds)
        self.pgid = self.process.pgid
        self.lines: list[str] = []
        self.events: list[Event] = []
        self._offset = 0
        self._lock = threading.Lock()  # tests poll from more than one thread

    @property
    def proc(self) -> subprocess.Popen[bytes]:
        return self.process.popen

    @property
    def pid(self) -> int:
        return self.process.pid

    def _refresh(self) -> None:
        """Parse what the server wrote since the last look."""
        with self._lock:
            lines, self._offset = self.process.read_lines(self._offset)
            for line in lines:
                self.lines.append(line)
                parsed = parse_line(line)
                if parsed is not None:
                    level, name, fields = parsed
                    self.events.append(Event(level, name, fields, len(self.events)))

    def _finished(self) -> bool:
        """Nothing more will be written: the server exited and its group is empty."""
        return self.proc.poll() is not None and not self.process.members()

    @property
    def output(self) -> str:
        self._refresh()
        return "\n".join(self.lines)

    def find(self, name: str, **match: str) -> list[Event]:
        self._refresh()
        return [
            e
            for e in self.events
            if e.name == name and all(e.fields.get(k) == v for k, v in match.items())
        ]

    def wait_event(
        self, name: str, count: int = 1, timeout: float = DEFAULT_TIMEOUT, **match: str
    ) -> Event:
        """Wait for the ``count``-th ``name`` event (fields matching ``match``)."""
        deadline = time.monotonic() + timeout
        while True:
            finished = self._finished()  # before reading: then the last look sees it all
            found = self.find(name, **match)
            if len(found) >= count:
                return found[count - 1]
            if finished or time.monotonic() >= deadline:
                raise AssertionError(
                    f"no {name!r} event #{count} {match or ''} within {timeout}s; "
                    f"output so far:\n{chr(10).join(self.lines[-60:])}"
                )
            time.sleep(procs.POLL)

    def url(self, timeout: float = DEFAULT_TIMEOUT) -> str:
        return self.wait_event("listening", timeout=timeout).fields["url"]

    def wait_exit(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        code = self.process.wait(timeout)
        if code is None:
            raise subprocess.TimeoutExpired(self.argv, timeout)
        return code

    def signal(self, signum: int) -> None:
        self.process.signal(signum)

    def stop(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        """SIGTERM to the server's pid, wait, then SIGKILL the whole group and reap."""
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                return self.wait_exit(timeout)
            except subprocess.TimeoutExpired:
                self.kill_group()
        return self.wait_exit(timeout)

    def kill_group(self) -> None:
        self.process.kill(kill_wait=10)

    def leftovers(self, timeout: float = 10.0) -> list[int]:
        """Processes still alive in the server's group after ``timeout`` seconds."""
        procs.wait_until(lambda: not self.process.members(), timeout, interval=0.02)
        return [p.pid for p in self.process.members()]


Launcher = Callable[..., ServerProcess]


def _launcher(started: list[ServerProcess], default_cwd: Path, logs: Path) -> Launcher:
    def launch(
        *args: str,
        script: Path | None = None,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        wait_ready: bool = True,
        pass_fds: tuple[int, ...] = (),
    ) -> ServerProcess:
        if script is not None:
            argv = [sys.executable, str(script), *args]
        else:
            argv = [sys.executable, "-m", "reference_server", *args]
        log = logs / f"{len(started)}-server.log"  # outside the folder the server may watch
        server = ServerProcess(argv, cwd or default_cwd, subprocess_env(env), pass_fds, log)
        started.append(server)
        if wait_ready:
            server.wait_event("worker_ready")
        return server

    return launch


def _teardown(started: list[ServerProcess]) -> None:
    problems = []
    for server in started:
        server.stop()
        left = server.leftovers()
        if left:
            server.kill_group()
            problems.append(f"{server.argv}: processes left over in group: {left}")
    assert not problems, "\n".join(problems)


@pytest.fixture
def launch(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launcher]:
    """Start servers; every one is stopped, reaped and checked for leftovers."""
    started: list[ServerProcess] = []
    yield _launcher(started, tmp_path, tmp_path_factory.mktemp("server-logs"))
    _teardown(started)


@pytest.fixture(scope="module")
def module_launch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launcher]:
    """Like ``launch``, shared by one test module (for servers many tests use)."""
    started: list[ServerProcess] = []
    yield _launcher(
        started, tmp_path_factory.mktemp("server"), tmp_path_factory.mktemp("server-logs")
    )
    _teardown(started)


@dataclass(frozen=True)
class TLSFiles:
    ca_cert: Path
    cert: Path
    key: Path  # encrypted with KEY_PASSWORD
    client_context: ssl.SSLContext

    def server_args(self, password: str = KEY_PASSWORD) -> list[str]:
        return [
            "--ssl-certfile",
            str(self.cert),
            "--ssl-keyfile",
            str(self.key),
            "--ssl-keyfile-password",
            password,
        ]


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    import trustme
    from cryptography.hazmat.primitives import serialization

    ca = trustme.CA()
    leaf = ca.issue_cert("localhost", "127.0.0.1", "::1")
    folder = tmp_path_factory.mktemp("tls")
    ca_cert = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_cert))
    cert = folder / "cert.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    for extra in leaf.cert_chain_pems[1:]:
        extra.write_to_path(str(cert), append=True)
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(KEY_PASSWORD.encode()),
    )
    key_path = folder / "key.pem"
    key_path.write_bytes(encrypted)
    context = ssl.create_default_context(cafile=str(ca_cert))
    return TLSFiles(ca_cert, cert, key_path, context)


def app_args(*extra: str, app: str = "testapp:app") -> list[str]:
    """Arguments serving the bundled test app on a free port."""
    return [app, "--app-dir", str(APPS_DIR), "--port", "0", *extra]


def raw_request(port: int, payload: bytes, *, wait: float = 10) -> bytes:
    """Send raw bytes to 127.0.0.1:port and read the reply until the server closes
    (or ``wait`` seconds pass without data)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        sock.settimeout(wait)
        try:
            while data := sock.recv(65536):
                chunks.append(data)
        except (TimeoutError, ConnectionResetError):
            pass
        return b"".join(chunks)

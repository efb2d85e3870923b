"""Fixtures for the reference server tests: real processes, real sockets, real TLS.

* ``tls`` — a trustme CA and a leaf for localhost/127.0.0.1/::1, written to disk with
  an *encrypted* key (password ``"hunter2"``), plus a client context trusting the CA.
* ``launch`` — start ``python -m reference_server`` (or a script) as a subprocess in
  its own process group, read the bound address from its log, and at teardown stop
  it, reap it, and fail if anything in its process group is still alive.
"""

from __future__ import annotations

import contextlib
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reference_server.logs import parse_line

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


def _live_processes() -> Iterator[tuple[int, list[str]]]:
    """(pid, /proc/PID/stat fields after the command) of every live, non-zombie process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command may contain spaces/parentheses: split after the last ')'
        fields = stat[stat.rfind(")") + 2 :].split()
        if fields[0] not in ("Z", "X"):
            yield int(entry.name), fields


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes whose process group is ``pgid``."""
    return [pid for pid, fields in _live_processes() if int(fields[2]) == pgid]


def children_of(pid: int) -> list[int]:
    """Direct live children of ``pid``, from /proc."""
    return [child for child, fields in _live_processes() if int(fields[1]) == pid]


def is_resource_tracker(pid: int) -> bool:
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``predicate`` until it is truthy or the deadline passes."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


@dataclass
class Event:
    level: str
    name: str
    fields: dict[str, str]
    index: int


class ServerProcess:
    """A server subprocess in its own session/process group, with its log parsed live."""

    def __init__(
        self, argv: list[str], cwd: Path, env: dict[str, str], pass_fds: tuple[int, ...] = ()
    ) -> None:
        self.argv = argv
        self.proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            pass_fds=pass_fds,
        )
        self.pgid = self.proc.pid
        self.lines: list[str] = []
        self.events: list[Event] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            with self._cond:
                self.lines.append(line)
                parsed = parse_line(line)
                if parsed is not None:
                    level, name, fields = parsed
                    self.events.append(Event(level, name, fields, len(self.events)))
                self._cond.notify_all()
        self.proc.stdout.close()
        with self._cond:
            self._cond.notify_all()

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def output(self) -> str:
        with self._cond:
            return "\n".join(self.lines)

    def find(self, name: str, **match: str) -> list[Event]:
        with self._cond:
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
        with self._cond:
            while True:
                found = [
                    e
                    for e in self.events
                    if e.name == name and all(e.fields.get(k) == v for k, v in match.items())
                ]
                if len(found) >= count:
                    return found[count - 1]
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(
                        f"no {name!r} event #{count} {match or ''} within {timeout}s; "
                        f"output so far:\n{chr(10).join(self.lines[-60:])}"
                    )
                self._cond.wait(min(remaining, 0.1))

    def url(self, timeout: float = DEFAULT_TIMEOUT) -> str:
        return self.wait_event("listening", timeout=timeout).fields["url"]

    def wait_exit(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(timeout)
        return code

    def signal(self, signum: int) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signum)

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
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)

    def leftovers(self, timeout: float = 10.0) -> list[int]:
        """Processes still alive in the server's group after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while group_members(self.pgid) and time.monotonic() < deadline:
            time.sleep(0.02)
        return group_members(self.pgid)


Launcher = Callable[..., ServerProcess]


def _launcher(started: list[ServerProcess], default_cwd: Path) -> Launcher:
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
        server = ServerProcess(argv, cwd or default_cwd, subprocess_env(env), pass_fds)
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
def launch(tmp_path: Path) -> Iterator[Launcher]:
    """Start servers; every one is stopped, reaped and checked for leftovers."""
    started: list[ServerProcess] = []
    yield _launcher(started, tmp_path)
    _teardown(started)


@pytest.fixture(scope="module")
def module_launch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launcher]:
    """Like ``launch``, shared by one test module (for servers many tests use)."""
    started: list[ServerProcess] = []
    yield _launcher(started, tmp_path_factory.mktemp("server"))
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

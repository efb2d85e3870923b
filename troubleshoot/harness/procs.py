"""Processes under test: each in its own process group, waited on with deadlines.

Every process the harness starts is a session leader (``start_new_session``),
so it and everything it spawns share one process group that can be inspected
(``/proc``) and killed as a whole. ``Proc.stop`` escalates SIGTERM -> SIGKILL
and then checks that no live member of the group is left; zombies whose
parent is gone count as dead (their reaping belongs to init).

``Proc`` is the one process wrapper: the harness's scenarios, the tests (the
reference server's ``ServerProcess``, ``tests/procs.run_group``) and the corpus
generators (``tests/corpus``) all start their processes with it. Their extra needs
are optional: file descriptors to pass, text sent on stdin, the log read line by
line as it grows (``read_lines``), the n-th match (``wait_for(count=)``), Ctrl-C to
the whole group (``interrupt``) and an immediate group kill (``kill``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from troubleshoot.errors import HarnessError

POLL = 0.05
CTRL_C = signal.SIGINT  # what a terminal sends the foreground group


@dataclass(frozen=True)
class ProcInfo:
    pid: int
    ppid: int
    pgid: int
    state: str
    cmdline: str

    @property
    def alive(self) -> bool:
        return self.state not in ("Z", "X")


def list_processes() -> list[ProcInfo]:
    """Every process visible in /proc (Linux)."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").is_file():
        raise HarnessError("process inspection needs /proc (Linux)")
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            raw = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # exited while we looked
        # "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses
        rest = stat.rpartition(")")[2].split()
        cmd = raw.replace(b"\0", b" ").decode(errors="replace").strip()
        found.append(ProcInfo(int(entry.name), int(rest[1]), int(rest[2]), rest[0], cmd))
    return found


def group_members(pgid: int) -> list[ProcInfo]:
    """Live processes in process group ``pgid``."""
    return [p for p in list_processes() if p.pgid == pgid and p.alive]


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS just handed out (bind to 0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float, interval: float = POLL) -> bool:
    """Poll ``check`` until it is true or ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


class Proc:
    """One started command; its output (stdout + stderr) goes to a log file.

    ``pass_fds``: file descriptors the command inherits (a listening socket, say).
    ``stdin``: text written to its standard input, which is then closed (keep it
    small: it is written before the constructor returns); ``None`` is /dev/null.
    """

    def __init__(
        self,
        name: str,
        cmd: list[str],
        cwd: Path,
        env: dict[str, str],
        log_path: Path,
        *,
        pass_fds: Sequence[int] = (),
        stdin: str | bytes | None = None,
    ) -> None:
        self.name = name
        self.cmd = cmd
        self.log_path = log_path
        with log_path.open("wb") as log:
            try:
                self.popen = subprocess.Popen(
                    cmd,
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    pass_fds=tuple(pass_fds),
                )
            except OSError as exc:
                raise HarnessError(f"cannot start {cmd[0]}: {exc}") from exc
        self.pid = self.popen.pid
        self.pgid = self.pid
        if stdin is not None:
            self._send(stdin.encode() if isinstance(stdin, str) else stdin)

    def _send(self, data: bytes) -> None:
        pipe = self.popen.stdin
        assert pipe is not None
        # a command that exits without reading its input is its own business
        with contextlib.suppress(BrokenPipeError):
            pipe.write(data)
        with contextlib.suppress(BrokenPipeError):
            pipe.close()

    # -- output -----------------------------------------------------------------

    def output(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def lines(self, pattern: str) -> list[str]:
        regex = re.compile(pattern)
        return [line for line in self.output().splitlines() if regex.search(line)]

    def read_lines(self, start: int = 0) -> tuple[list[str], int]:
        """The lines of output from byte offset ``start`` on, and the offset after
        them: pass that offset back to read only what was written since (parsing a
        log live, without a reader thread). A last line without its newline is held
        back while the process runs (it may be half written) and given once it exited."""
        exited = self.popen.poll() is not None  # before reading: then nothing is missed
        try:
            with self.log_path.open("rb") as log:
                log.seek(start)
                data = log.read()
        except OSError:
            return [], start
        chunk = data if exited else data[: data.rfind(b"\n") + 1]
        lines = chunk.split(b"\n")
        if not lines[-1]:
            lines.pop()  # after the last newline (or an empty chunk)
        return [line.decode("utf-8", errors="replace") for line in lines], start + len(chunk)

    def wait_for(self, pattern: str, timeout: float, count: int = 1) -> re.Match[str] | None:
        """The first (``count``-th) match of ``pattern`` in the output, waiting up to
        ``timeout``; gives up early when the process has exited and the text is not there."""
        regex = re.compile(pattern, re.MULTILINE)

        def nth() -> re.Match[str] | None:
            return next(itertools.islice(regex.finditer(self.output()), count - 1, None), None)

        deadline = time.monotonic() + timeout
        while True:
            exited = self.popen.poll() is not None
            match = nth()
            if match or time.monotonic() >= deadline:
                return match
            if exited:
                time.sleep(POLL)  # let the last write land, then look once more
                return nth()
            time.sleep(POLL)

    def count(self, pattern: str) -> int:
        return len(re.findall(pattern, self.output(), re.MULTILINE))

    # -- lifetime ----------------------------------------------------------------

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    def wait(self, timeout: float) -> int | None:
        """The exit code, or ``None`` if it is still running after ``timeout``."""
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the main process only."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def members(self) -> list[ProcInfo]:
        return group_members(self.pgid)

    def children(self) -> list[ProcInfo]:
        """Live direct children of the main process."""
        return [p for p in self.members() if p.ppid == self.pid]

    def stop(self, grace: float = 5.0, kill_wait: float = 5.0) -> list[ProcInfo]:
        """SIGTERM the group, then SIGKILL; return members still alive (should be none)."""
        self.signal_group(signal.SIGTERM)
        wait_until(lambda: not self.members(), grace)
        if self.members():
            self.signal_group(signal.SIGKILL)
        self.wait(kill_wait)
        wait_until(lambda: not self.members(), kill_wait)
        return self.members()

    def interrupt(
        self, grace: float = 10.0, signum: int = CTRL_C, kill_wait: float = 5.0
    ) -> list[ProcInfo]:
        """What Ctrl-C in a terminal does: ``signum`` to the whole group while the
        main process runs; ``grace`` seconds for it to exit, then SIGKILL for whatever
        is left in the group (``kill``). Returns members still alive (should be none)."""
        if self.popen.poll() is None:
            self.signal_group(signum)
            self.wait(grace)
        return self.kill(kill_wait)

    def kill(self, kill_wait: float = 5.0) -> list[ProcInfo]:
        """SIGKILL the whole group now and reap the main process; return members
        still alive after ``kill_wait`` seconds (should be none)."""
        self.signal_group(signal.SIGKILL)
        self.wait(kill_wait)
        wait_until(lambda: not self.members(), kill_wait)
        return self.members()

    def signal_group(self, signum: int) -> None:
        """Send ``signum`` to every process in the group (gone already: nothing to do)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pgid, signum)

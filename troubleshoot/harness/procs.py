"""Processes under test: each in its own process group, waited on with deadlines.

Every process the harness starts is a session leader (``start_new_session``),
so it and everything it spawns share one process group that can be inspected
(``/proc``) and killed as a whole. ``Proc.stop`` escalates SIGTERM -> SIGKILL
and then checks that no live member of the group is left; zombies whose
parent is gone count as dead (their reaping belongs to init).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from troubleshoot.errors import HarnessError

POLL = 0.05


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
    """One started command; its output (stdout + stderr) goes to a log file."""

    def __init__(
        self, name: str, cmd: list[str], cwd: Path, env: dict[str, str], log_path: Path
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
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            except OSError as exc:
                raise HarnessError(f"cannot start {cmd[0]}: {exc}") from exc
        self.pid = self.popen.pid
        self.pgid = self.pid

    # -- output -----------------------------------------------------------------

    def output(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def lines(self, pattern: str) -> list[str]:
        regex = re.compile(pattern)
        return [line for line in self.output().splitlines() if regex.search(line)]

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str] | None:
        """The first match of ``pattern`` in the output, waiting up to ``timeout``;
        gives up early when the process has exited and the text is not there."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            exited = self.popen.poll() is not None
            match = regex.search(self.output())
            if match or time.monotonic() >= deadline:
                return match
            if exited:
                time.sleep(POLL)  # let the last write land, then look once more
                return regex.search(self.output())
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
        self._signal_group(signal.SIGTERM)
        wait_until(lambda: not self.members(), grace)
        if self.members():
            self._signal_group(signal.SIGKILL)
        self.wait(kill_wait)
        wait_until(lambda: not self.members(), kill_wait)
        return self.members()

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pgid, signum)

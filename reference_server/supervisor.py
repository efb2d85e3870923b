"""Supervise spawned workers: reload on change, replace the dead, restart on SIGHUP.

The parent binds the socket once; every worker gets it by fd passing, so while
one worker is being replaced the others (and the kernel's accept queue) keep
taking connections. Replacement is always *start new, wait until it serves,
then retire old*, which is what makes reloads and SIGHUP restarts zero-downtime
and lets a broken change be reported while the previous code keeps serving.

Signals go to one child pid at a time (never to the process group), so the
supervisor is never hit by a signal meant for a child.
"""

from __future__ import annotations

import contextlib
import importlib.util
import multiprocessing
import signal
import socket
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import Any

from reference_server.errors import EXIT_CONFIG, EXIT_OK, EXIT_STARTUP
from reference_server.logs import Logger
from reference_server.reload import StatWatcher
from reference_server.settings import Settings
from reference_server.worker import worker_process_main

# Seconds a retired or stopped worker gets beyond the graceful timeout before SIGKILL.
KILL_GRACE = 5.0
JOIN_AFTER_KILL = 5.0
MAX_RESPAWN_DELAY = 10.0


def forget_bytecode(paths: list[str]) -> None:
    """Drop cached bytecode of changed sources: a .pyc is validated by mtime in whole
    seconds and size, so an edit within the same second could import stale code."""
    for path in paths:
        if path.endswith(".py"):
            with contextlib.suppress(OSError, ValueError):
                Path(importlib.util.cache_from_source(path)).unlink()


@dataclass
class Child:
    """One spawned worker as the supervisor sees it."""

    process: BaseProcess
    channel: Connection
    slot: int
    generation: int
    ready: bool = False
    error: str | None = None
    stop_deadline: float | None = None

    @property
    def pid(self) -> int:
        return self.process.pid or 0


@dataclass
class Slot:
    child: Child | None = None
    failures: int = 0
    next_start: float = 0.0
    blocked: bool = False  # reload mode: wait for the next change before retrying


@dataclass
class _Signals:
    stop: str | None = None
    restart: bool = False
    received: list[str] = field(default_factory=list)


class Supervisor:
    """Runs until SIGINT/SIGTERM; returns the process exit code."""

    def __init__(self, settings: Settings, sock: socket.socket, logger: Logger) -> None:
        self.settings = settings
        self.sock = sock
        self.log = logger
        self.ctx = multiprocessing.get_context("spawn")
        self.slots = [Slot() for _ in range(settings.workers)]
        self.retiring: list[Child] = []
        self.generation = 0
        self.signals = _Signals()
        self.watcher: StatWatcher | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._saved_handlers: dict[int, Any] = {}
        self._saved_wakeup_fd = -1

    # -- signals -------------------------------------------------------------

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if signum == signal.SIGHUP:
            self.signals.restart = True
        elif self.signals.stop is None:
            self.signals.stop = name

    def _install_signals(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            self._saved_handlers[signum] = signal.signal(signum, self._on_signal)
        self._saved_wakeup_fd = signal.set_wakeup_fd(self._wake_w.fileno())

    def _restore_signals(self) -> None:
        signal.set_wakeup_fd(self._saved_wakeup_fd)
        for signum, handler in self._saved_handlers.items():
            signal.signal(signum, handler)

    def _drain_wakeup(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            while self._wake_r.recv(512):
                pass

    # -- children ------------------------------------------------------------

    def _spawn(self, slot: int) -> Child:
        parent_end, child_end = self.ctx.Pipe(duplex=True)
        process = self.ctx.Process(
            target=worker_process_main,
            args=(self.settings, self.sock, child_end),
            name=f"reference_server-worker-{slot}",
            daemon=False,
        )
        process.start()
        child_end.close()
        child = Child(process, parent_end, slot, self.generation)
        self.log.info("worker_start", worker_pid=child.pid, slot=slot, generation=self.generation)
        return child

    def _poll_channel(self, child: Child) -> None:
        """Read the child's one status message, if it has arrived."""
        try:
            while child.channel.poll(0):
                kind, value = child.channel.recv()
                if kind == "ready":
                    child.ready = True
                elif kind == "failed":
                    child.error = str(value)
        except (EOFError, OSError):
            pass

    def _await_ready(self, child: Child) -> bool:
        """Block until ``child`` serves, dies, times out, or we are told to stop."""
        deadline = time.monotonic() + self.settings.timeout_worker_startup
        while not child.ready:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                child.error = f"not serving after {self.settings.timeout_worker_startup}s"
                self._stop_child(child, now=True)
                return False
            wait([child.channel, child.process.sentinel, self._wake_r], remaining)
            self._poll_channel(child)
            if not child.process.is_alive() and not child.ready:
                self._poll_channel(child)
                child.process.join(JOIN_AFTER_KILL)
                if child.error is None:
                    child.error = f"exited with code {child.process.exitcode} before serving"
                return False
            self._drain_wakeup()
            if self.signals.stop is not None:
                return child.ready
        return True

    def _stop_child(self, child: Child, *, now: bool = False) -> None:
        """Ask a child to stop (SIGTERM to its pid only); it is reaped later."""
        grace = 0.0 if now else self.settings.timeout_graceful_shutdown + KILL_GRACE
        child.stop_deadline = time.monotonic() + grace
        if child.process.exitcode is None:
            # terminate() on a child that already exited is a no-op, not an error
            child.process.terminate()
        if child not in self.retiring:
            self.retiring.append(child)

    def _reap_retiring(self) -> None:
        now = time.monotonic()
        for child in list(self.retiring):
            if child.process.exitcode is not None:
                child.process.join(0)
                self._retired(child)
            elif child.stop_deadline is not None and now >= child.stop_deadline:
                self._kill_late(child)
                child.stop_deadline = None

    def _kill_late(self, child: Child) -> None:
        """SIGKILL a retiring worker that outlived its stop deadline."""
        self.log.warning("worker_kill", worker_pid=child.pid, reason="stop timeout")
        child.process.kill()
        child.process.join(JOIN_AFTER_KILL)

    def _retired(self, child: Child) -> None:
        """A retiring worker has exited: forget it, close its channel, log its exit."""
        self.retiring.remove(child)
        child.channel.close()
        self.log.info(
            "worker_exit", worker_pid=child.pid, exitcode=child.process.exitcode, reason="stopped"
        )

    # -- the generation swap used by reload and SIGHUP ------------------------

    def _replace_all(self, reason: str) -> bool:
        """Start a new generation worker by worker; keep the old one on failure."""
        self.generation += 1
        started = time.monotonic()
        for index, slot in enumerate(self.slots):
            if self.signals.stop is not None:
                return False
            new = self._spawn(index)
            if not self._await_ready(new):
                self._report_failed_start(new, reason)
                return False
            old = slot.child
            slot.child, slot.failures, slot.blocked = new, 0, False
            if old is not None:
                self.log.info("worker_replace", old_pid=old.pid, new_pid=new.pid, reason=reason)
                self._stop_child(old)
        pids = ",".join(str(s.child.pid) for s in self.slots if s.child is not None)
        self.log.info(
            f"{reason}_done",
            generation=self.generation,
            worker_pids=pids,
            seconds=round(time.monotonic() - started, 3),
        )
        return True

    def _report_failed_start(self, child: Child, reason: str) -> None:
        self._stop_child(child, now=True)
        serving = [s.child.pid for s in self.slots if s.child is not None]
        self.log.failure(
            f"{reason}_failed",
            worker_pid=child.pid,
            error=child.error or "-",
            still_serving=",".join(map(str, serving)) or "none",
        )
        if self.settings.reload:
            for slot in self.slots:
                if slot.child is None:
                    slot.blocked = True

    def _check_slots(self) -> int | None:
        """Reap crashed workers and start replacements; an exit code means give up."""
        now = time.monotonic()
        for index, slot in enumerate(self.slots):
            child = slot.child
            if child is not None:
                self._poll_channel(child)
                if child.process.exitcode is None:
                    continue
                child.process.join(0)
                child.channel.close()
                slot.child = None
                self.log.warning(
                    "worker_exit",
                    worker_pid=child.pid,
                    exitcode=child.process.exitcode,
                    reason="crashed" if child.ready else "startup_failed",
                )
                if child.process.exitcode == EXIT_CONFIG:
                    return EXIT_CONFIG
                if child.ready:
                    slot.failures = 0
                else:
                    slot.failures += 1
                    if self.settings.reload:
                        slot.blocked = True
                delay = (
                    0.0
                    if slot.failures == 0
                    else min(0.5 * 2 ** (slot.failures - 1), MAX_RESPAWN_DELAY)
                )
                slot.next_start = now + delay
            if slot.child is None and not slot.blocked and now >= slot.next_start:
                slot.child = self._spawn(index)
        for slot in self.slots:
            if slot.child is not None and slot.child.ready and slot.failures:
                slot.failures = 0
        return None

    def _stopping(self) -> bool:
        return self.signals.stop is not None

    # -- main loop -------------------------------------------------------------

    def run(self) -> int:
        self._install_signals()
        try:
            return self._run()
        finally:
            self._shutdown()
            self._restore_signals()
            self._wake_r.close()
            self._wake_w.close()

    def _run(self) -> int:
        settings = self.settings
        mode = "reload" if settings.reload else "workers"
        self.log.info("supervisor_start", mode=mode, workers=settings.workers)
        if settings.reload:
            self.watcher = StatWatcher(settings)
            self.log.info(
                "reload_watching",
                dirs=",".join(str(d) for d in self.watcher.dirs),
                includes=",".join(self.watcher.includes),
            )
        if not self._replace_all("startup"):
            failed_codes = [c.process.exitcode for c in self.retiring]
            if self.signals.stop is not None:
                return EXIT_OK
            if EXIT_CONFIG in failed_codes or not settings.reload:
                return EXIT_CONFIG if EXIT_CONFIG in failed_codes else EXIT_STARTUP
            self.log.warning("reload_waiting", reason="app failed to start; waiting for a change")
        interval = settings.reload_delay if settings.reload else 0.5
        while self.signals.stop is None:
            watched: list[Any] = [self._wake_r]
            for slot in self.slots:
                if slot.child is not None:
                    watched += [slot.child.process.sentinel, slot.child.channel]
            watched += [c.process.sentinel for c in self.retiring if c.process.exitcode is None]
            wait(watched, interval)
            self._drain_wakeup()
            if self._stopping():
                break
            code = self._check_slots()
            if code is not None:
                return code
            self._reap_retiring()
            if self.signals.restart:
                self.signals.restart = False
                self.log.info("restart_requested", signal="SIGHUP")
                self._replace_all("restart")
            if self.watcher is not None:
                changed = self.watcher.changes()
                if changed:
                    self.log.info("reload_detected", path=changed[0], changed=len(changed))
                    for slot in self.slots:
                        slot.blocked = False
                    forget_bytecode(changed)
                    self._replace_all("reload")
        self.log.info("shutdown_start", reason=self.signals.stop or "-")
        return EXIT_OK

    def _shutdown(self) -> None:
        """Stop every child: SIGTERM, join(timeout), SIGKILL, join(timeout). Always."""
        for slot in self.slots:
            if slot.child is not None:
                self._stop_child(slot.child)
                slot.child = None
        # The workers stop accepting as they drain, but while this process holds the
        # listening socket the kernel keeps completing handshakes nobody will accept
        # (clients hang). Closing our copy lets the last worker's close refuse them.
        self.sock.close()
        deadline = time.monotonic() + self.settings.timeout_graceful_shutdown + KILL_GRACE
        for child in list(self.retiring):
            child.process.join(max(0.0, deadline - time.monotonic()))
            if child.process.exitcode is None:
                self._kill_late(child)
            self._retired(child)

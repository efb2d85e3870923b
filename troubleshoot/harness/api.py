"""What a ``fixes/<id>/scenario.py`` uses: :class:`Run`, :func:`scenario`, verdicts.

A scenario is a function ``(run: Run) -> Verdict`` marked with ``@scenario``.
``run`` starts the server under test the way the entry's trigger needs (its CLI,
or a script calling its ``run()``), acts on it (HTTP/HTTPS requests, file
edits, signals) and inspects it (output, exit code, process group). Everything
it starts is stopped and checked for survivors by the runner, whatever the
scenario does. See docs/repro-harness.md.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias, TypeVar

import httpx
from packaging.specifiers import SpecifierSet

from troubleshoot.errors import HarnessError
from troubleshoot.harness.launch import (
    HttpResult,
    Launch,
    raw_exchange,
    status_line,
    tail,
)
from troubleshoot.harness.procs import Proc, free_port, list_processes, wait_until
from troubleshoot.harness.servers import PreparedServer, ServerSpec
from troubleshoot.harness.tls import TLSFiles, make_tls
from troubleshoot.harness.verdict import (
    Verdict,
    fixed,
    harness_error,
    not_applicable,
    reproduces,
)

__all__ = [
    "GUNICORN_IS_UVICORNS",
    "HTTPTOOLS_IS_UVICORNS",
    "WEBSOCKET_IS_UVICORNS",
    "Extras",
    "HttpResult",
    "Launch",
    "PreparedServer",
    "Proc",
    "Run",
    "ScenarioFn",
    "ServerSpec",
    "Verdict",
    "fixed",
    "harness_error",
    "not_applicable",
    "per_http",
    "pinned",
    "raw_exchange",
    "releases",
    "reproduces",
    "scenario",
    "status_line",
    "tail",
    "uvicorn_only",
    "windows_only",
]

ScenarioFn: TypeAlias = Callable[["Run"], Verdict]
# a scenario function: (run, *args, **kwargs) -> Verdict
Judge = TypeVar("Judge", bound=Callable[..., Verdict])
Requires: TypeAlias = Callable[[ServerSpec], str | None]
# uvicorn release range (PEP 440 specifier) -> requirements installed next to it
Extras: TypeAlias = Mapping[str, Sequence[str]]

SHIM = "doctor_sut.py"
_SHIM_TEXT = '''"""Written by the uvicorn-doctor harness: ``run`` of the server under test.

Server: {label}
"""
import functools

import {module}

run = {expr}
'''


def uvicorn_only(reason: str) -> Requires:
    """A ``requires`` for a scenario the reference server cannot run: ``reason`` says why."""

    def requires(spec: ServerSpec) -> str | None:
        return reason if spec.kind == "reference" else None

    return requires


def releases(specifier: str, reason: str, *, reference: str | None = None) -> Requires:
    """A ``requires`` for a scenario only the uvicorn releases in ``specifier`` can run
    (``reference``: the reason on the reference server, which otherwise runs it)."""
    wanted = SpecifierSet(specifier)

    def requires(spec: ServerSpec) -> str | None:
        if spec.kind == "reference":
            return reference
        return reason if spec.version is not None and spec.version not in wanted else None

    return requires


HTTPTOOLS_IS_UVICORNS = uvicorn_only(
    "the reference server has one HTTP implementation (h11); httptools is uvicorn's"
)
GUNICORN_IS_UVICORNS = uvicorn_only(
    "the reference server has no gunicorn worker class (gunicorn is not modelled)"
)
WEBSOCKET_IS_UVICORNS = uvicorn_only(
    "the reference server does not implement WebSocket (it refuses every upgrade with 501) "
    "and imports no websockets library"
)


def windows_only(reason: str) -> Requires:
    """A ``requires`` for a failure uvicorn shows on Windows only: elsewhere its
    releases are not applicable (``reason``, ``{platform}`` filled in with
    ``sys.platform``); the reference server runs the scenario's invariant anywhere."""

    def requires(spec: ServerSpec) -> str | None:
        if spec.kind == "reference" or sys.platform == "win32":
            return None
        return reason.format(platform=sys.platform)

    return requires


def pinned(
    package: str, versions: Iterable[str], *args: object, requires: Requires | None = None
) -> Callable[[Judge], Judge]:
    """Scenarios ``<package>-<version>``, one per version, with that release installed
    beside the server (extras ``{"": ["<package>==<version>"]}``): each is
    :meth:`Run.unpinned` when the interpreter imports another one, else
    ``judge(run, *args)`` (which reads the version with :meth:`Run.version`)."""

    cases = [
        Case(f"{package}-{v}", args, {}, requires, {"": [f"{package}=={v}"]}, (package, v))
        for v in versions
    ]
    return lambda judge: _add(judge, *cases)


def per_http(extras: Extras, *args: object) -> Callable[[Judge], Judge]:
    """Scenarios ``h11`` and ``httptools`` (uvicorn only, ``extras`` installing it) of a
    judge taking ``http=`` (the ``--http`` choice to pass to :meth:`Run.launch_cli`)
    after ``args``."""

    h11 = Case("h11", args, {"http": "h11"})
    httptools = Case("httptools", args, {"http": "httptools"}, HTTPTOOLS_IS_UVICORNS, extras)
    return lambda judge: _add(judge, h11, httptools)


@dataclass(frozen=True)
class Case:
    """One scenario: its name, the arguments its function takes after ``run``, and
    its ``requires`` and ``extras``."""

    name: str
    args: tuple[object, ...] = ()
    kwargs: Mapping[str, object] = field(default_factory=dict)
    requires: Requires | None = None
    extras: Extras | None = None
    pin: tuple[str, str] | None = None  # (package, version) the extras must have installed

    def bind(self, judge: Callable[..., Verdict]) -> ScenarioFn:
        """The scenario: ``judge(run, *args, **kwargs)``, once the pin is checked."""
        if self.pin is None:
            return lambda run: judge(run, *self.args, **self.kwargs)
        package, version = self.pin
        return lambda run: run.unpinned(package, version) or judge(run, *self.args, **self.kwargs)


def scenario(
    name: str,
    *args: object,
    requires: Requires | None = None,
    extras: Extras | None = None,
    **kwargs: object,
) -> Callable[[Judge], Judge]:
    """Mark a function as the scenario ``name``: ``fn(run, *args, **kwargs)`` (it stays
    callable as it is by other scenarios). Stacked, the marks make a family of
    scenarios that differ only in what they pass to one function, in the order
    written. ``requires`` returns a not-applicable reason; ``extras`` (release range
    -> requirements) replaces the module's ``EXTRAS`` for it."""

    case = Case(name, args, kwargs, requires, extras)
    return lambda fn: _add(fn, case)


def _add(fn: Judge, *cases: Case) -> Judge:
    """Mark ``fn`` with ``cases``, before the marks below (decorators apply bottom-up)."""
    fn.__doctor_cases__ = (*cases, *getattr(fn, "__doctor_cases__", ()))  # type: ignore[attr-defined]
    return fn


class Run:
    """One execution of a scenario in its own temporary folder."""

    def __init__(
        self, server: PreparedServer, workdir: Path, on_step: Callable[[str], None]
    ) -> None:
        self.server = server
        self.workdir = workdir
        self._on_step = on_step
        self.procs: list[Proc] = []
        self._tls: TLSFiles | None = None
        self._write_shim()

    # -- reporting ---------------------------------------------------------------

    def step(self, text: str) -> None:
        """Announce what the scenario does next (shown in the progress display)."""
        self._on_step(text)

    @property
    def is_reference(self) -> bool:
        return self.server.kind == "reference"

    # -- inputs --------------------------------------------------------------------

    def tls(self) -> TLSFiles:
        """A CA and a localhost certificate made for this run."""
        if self._tls is None:
            try:
                self._tls = make_tls(self.workdir / "tls")
            except ImportError as exc:
                raise HarnessError("TLS scenarios need the 'trustme' package") from exc
        return self._tls

    def port(self) -> int:
        return free_port()

    def path(self, name: str) -> Path:
        return self.workdir / name

    def write(self, name: str, text: str) -> None:
        """Rewrite a file and move its mtime forward (a change every watcher sees)."""
        target = self.workdir / name
        before = target.stat().st_mtime_ns if target.exists() else 0
        target.write_text(text, encoding="utf-8")
        stamp = max(time.time_ns(), before + 1_000_000_000)
        os.utime(target, ns=(stamp, stamp))

    def copy(self, source: str, target: str) -> None:
        self.write(target, (self.workdir / source).read_text(encoding="utf-8"))

    def version(self, package: str) -> str:
        """``package.__version__`` as the server's interpreter imports it (asked, not
        assumed: what an extras pin really installed), or ``unknown``."""
        code = f"import {package}; print({package}.__version__)"
        done = subprocess.run(
            [str(self.server.python), "-c", code],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        return done.stdout.strip() or "unknown"

    def unpinned(self, package: str, version: str) -> Verdict | None:
        """``reproduces("wrong-<package>")`` unless the server's interpreter imports
        ``package`` at ``version`` (the release the scenario's extras pin); else None."""
        have = self.version(package)
        if have == version:
            return None
        return reproduces(
            f"wrong-{package}", f"{package} {version} was asked for, {have} is installed"
        )

    # -- starting the server ---------------------------------------------------------

    def launch_cli(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        tls: bool = False,
        bind: bool = True,
        port: int | None = None,
        wait: bool = True,
        timeout: float = 15,
        watch: str | None = None,
        name: str = "server",
        http: str | None = None,
    ) -> Launch:
        """``uvicorn ARGS --host 127.0.0.1 --port P`` (``bind=False``: no address;
        ``tls``: the run's certificate and key; ``http``: ``--http HTTP``, left out on
        the reference server, which has one implementation, h11, and no such option),
        then, with ``wait``, :meth:`Launch.settle`."""
        port = self.port() if port is None else port
        if http is not None and not self.is_reference:
            args = (*args, "--http", http)
        argv = list(args)
        if bind:
            argv += ["--host", "127.0.0.1", "--port", str(port)]
        if tls:
            files = self.tls()
            argv += ["--ssl-certfile", str(files.cert), "--ssl-keyfile", str(files.key)]
        proc = self._start(name, [*self.server.cli, *argv, *self.server.cli_flags], env)
        what = " ".join([Path(self.server.cli[-1]).name, *args])
        launch = Launch(self, proc, port, what, tls, http=None if self.is_reference else http)
        if wait:
            launch.settle(timeout, watch)
        return launch

    def launch_script(
        self,
        script: str,
        *args: str,
        env: Mapping[str, str] | None = None,
        tls: bool = False,
        port: int | None = None,
        wait: bool = True,
        timeout: float = 15,
        watch: str | None = None,
        name: str = "script",
    ) -> Launch:
        """``python SCRIPT ARGS`` with the server's interpreter and ``PORT`` set (and
        ``CERTFILE``/``KEYFILE`` with ``tls``), then, with ``wait``, :meth:`Launch.settle`."""
        port = self.port() if port is None else port
        extra = {"PORT": str(port), **(env or {})}
        if tls:
            files = self.tls()
            extra.update(CERTFILE=str(files.cert), KEYFILE=str(files.key))
        proc = self._start(name, [str(self.server.python), script, *args], extra)
        what = " ".join(["python", script, *args, *(f"{k}={v}" for k, v in (env or {}).items())])
        launch = Launch(self, proc, port, what, tls)
        if wait:
            launch.settle(timeout, watch)
        return launch

    def launch_gunicorn(
        self,
        target: str,
        worker: str,
        *args: str,
        env: Mapping[str, str] | None = None,
        timeout: float = 15,
    ) -> Launch:
        """``gunicorn TARGET -k WORKER -w 1 -b 127.0.0.1:P --graceful-timeout 2 ARGS``
        (``python -m gunicorn`` with the server's interpreter: gunicorn is one of the
        scenario's extras), then :meth:`Launch.settle`."""
        port = self.port()
        bind = ["-w", "1", "-b", f"127.0.0.1:{port}", "--graceful-timeout", "2"]
        argv = [target, "-k", worker, *bind, *args]
        proc = self._start("gunicorn", [str(self.server.python), "-m", "gunicorn", *argv], env)
        launch = Launch(self, proc, port, " ".join(["gunicorn", target, "-k", worker, *args]))
        launch.settle(timeout)
        return launch

    def launch_shell(
        self,
        line: str,
        *,
        env: Mapping[str, str] | None = None,
        timeout: float = 15,
        watch: str | None = None,
    ) -> Launch:
        """``sh -c 'exec uvicorn LINE'`` with ``PORT`` set: the server's command line as
        a start script or a shell-form Docker CMD runs it (the shell expands variables,
        globs and quotes in ``LINE``; write ``--port "$PORT"``), then :meth:`Launch.settle`."""
        port = self.port()
        cli, flags = shlex.join(self.server.cli), shlex.join(self.server.cli_flags)
        extra = {"PORT": str(port), **(env or {})}
        proc = self._start("server", ["sh", "-c", f"exec {cli} {line} {flags}"], extra)
        assigned = [f"{k}={shlex.quote(v)}" for k, v in (env or {}).items()]
        what = " ".join([*assigned, Path(self.server.cli[-1]).name, line])
        launch = Launch(self, proc, port, what)
        launch.settle(timeout, watch)
        return launch

    def _start(self, name: str, cmd: list[str], extra: Mapping[str, str] | None = None) -> Proc:
        index = len(self.procs)
        env = {**self._env(), **(extra or {})}
        proc = Proc(name, cmd, self.workdir, env, self.workdir / f"{index}-{name}.log")
        self.procs.append(proc)
        self.step(f"started {name} (pid {proc.pid}): {_show(cmd, self.workdir)}")
        return proc

    def _env(self) -> dict[str, str]:
        drop = ("PYTHON", "VIRTUAL_ENV", "UV_", "PIP_", "CONDA")
        env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
        paths = [str(self.workdir), *filter(None, [self.server.env.get("PYTHONPATH")])]
        env.update(self.server.env)
        env.update(
            PYTHONPATH=os.pathsep.join(paths),
            PYTHONUNBUFFERED="1",
            PYTHONDONTWRITEBYTECODE="1",
            NO_PROXY="*",
        )
        return env

    def _write_shim(self) -> None:
        module = self.server.module
        kwargs = self.server.run_kwargs
        expr = f"functools.partial({module}.run, **{kwargs!r})" if kwargs else f"{module}.run"
        text = _SHIM_TEXT.format(label=self.server.label, module=module, expr=expr)
        (self.workdir / SHIM).write_text(text, encoding="utf-8")

    # -- observing -------------------------------------------------------------------

    def get(
        self, port: int, path: str = "/", *, tls: bool = False, timeout: float = 5.0
    ) -> HttpResult:
        """One request to the server on loopback; failures are values, not exceptions."""
        scheme = "https" if tls else "http"
        verify = self.tls().client_context() if tls else False
        try:
            with httpx.Client(verify=verify, timeout=timeout, trust_env=False) as client:
                response = client.get(f"{scheme}://127.0.0.1:{port}{path}")
        except httpx.HTTPError as exc:
            return HttpResult(None, "", f"{type(exc).__name__}: {exc}")
        return HttpResult(response.status_code, response.text)

    def edit_until_served(
        self,
        name: str,
        text: str,
        port: int,
        body: str,
        *,
        tls: bool = False,
        timeout: float = 20,
        interval: float = 1.5,
    ) -> bool:
        """Write ``text`` to ``name`` until ``GET /`` returns ``body``.

        A reloader takes its first snapshot of mtimes some time after the child
        serves; an edit made before that snapshot is its baseline and never
        triggers a reload. Re-writing (each time with a later mtime) until the
        new code serves, within one deadline, removes that race.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.write(name, text)
            wait = min(interval, max(0.0, deadline - time.monotonic()))
            if wait_until(lambda: self.get(port, tls=tls, timeout=1.0).text == body, wait, 0.1):
                return True
        return False

    def kill(self, pid: int, signum: int) -> None:
        """Signal one process of a group this run started (a worker, say)."""
        started = {p.pgid for p in self.procs}
        member = next((p for p in list_processes() if p.pid == pid), None)
        if member is None:
            return
        if member.pgid not in started:
            raise HarnessError(f"refusing to signal pid {pid}: not started by this run")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    @staticmethod
    def workers(proc: Proc) -> list[int]:
        """Pids of the server's worker children (multiprocessing spawn/fork children
        of the main process; the resource tracker does not count)."""
        return [
            p.pid
            for p in proc.children()
            if "resource_tracker" not in p.cmdline and "semaphore_tracker" not in p.cmdline
        ]

    def cleanup(self, keep: bool) -> list[str]:
        """Stop every process group; describe survivors (there should be none)."""
        survivors = []
        for proc in self.procs:
            for info in proc.stop():
                survivors.append(f"pid {info.pid} ({info.cmdline[:80]}) of {proc.name}")
        if not keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return survivors


def _show(cmd: list[str], workdir: Path) -> str:
    """The command as a person would type it: program name, paths relative to the run."""
    text = " ".join([Path(cmd[0]).name, *cmd[1:]])
    return text.replace(str(workdir) + os.sep, "")

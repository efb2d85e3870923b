"""Regenerate the real-output corpora under tests/corpus/ by running real uvicorn releases.

Not run by the test suite. Usage (from the repository root):

    python tests/corpus/capture.py                 # every scenario
    python tests/corpus/capture.py --only 0.54.0   # scenarios whose name contains the text
    python tests/corpus/capture.py --list

Needs ``uv``. Each release is installed and run the way the harness does it: the pins,
the ``--no-deps`` install and the pure-Python flags come from
``troubleshoot.harness.recipes`` (releases older than 0.12 pin uvloop/httptools builds
that no longer compile: installed with ``--no-deps`` plus the recipe's pins, run with
``--loop asyncio --http h11 --ws none`` where the release offers those choices), the
interpreter from the harness's search (pyenv, uv, PATH), and the virtualenv from
``troubleshoot.harness.venvs``: cached in the harness's envs folder (``--venvs`` sets
``DOCTOR_ENVS_DIR``), with ``uvicorn[standard]`` and the scenario's extras installed
next to the release. ``--fresh`` deletes the chosen scenarios' environments first
(not while the harness or the tests use that folder).

Every server is started with the harness's ``Proc`` (its own process group, output in
a log file) with a deadline; the group is sent SIGINT (what Ctrl-C does in a
terminal), then SIGKILL if it lingers, and reaped.
Output is normalised: the virtualenv becomes ``/tmp/venv``, the app folder
``/home/user/app``, the interpreter prefix ``/usr/local``, and each file gets the
``## key: value`` header lines the tests strip.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.corpus.regenerate import (
    CORPUS,
    ask,
    normalise,
    program_environ,
    start,
    write,
)
from tests.corpus.regenerate import main as cli
from troubleshoot.config import envs_dir
from troubleshoot.harness import venvs
from troubleshoot.harness.interpreters import Interpreter, find_interpreter
from troubleshoot.harness.procs import Proc, free_port
from troubleshoot.harness.recipes import Recipe, recipe_for

# the values click lists for an option (the harness's own reading of ``--help``)
from troubleshoot.harness.servers import pure_python_flags

READY = 20.0  # seconds to wait for a line that says the server is up

APP = """\
import os


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b"hello from %d\\n" % os.getpid()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})
"""

# An application object that cannot be pickled (a closure), passed as an object.
APP_OBJECT_SCRIPT = (
    APP
    + """

def make():
    inner = app

    async def app_(scope, receive, send):
        await inner(scope, receive, send)

    return app_


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(make(), host="127.0.0.1", port=PORT, {kwargs})
"""
)

NO_GUARD_SCRIPT = """\
import uvicorn

# Deliberately outside `if __name__ == "__main__":`
uvicorn.run("main:app", host="127.0.0.1", port=PORT, {kwargs})
"""


@dataclass
class Env:
    uvicorn: str
    python: str | None = None  # interpreter minor ("3.8"); None: the recipe's first choice
    extra: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # extra uvicorn options for every run

    @property
    def recipe(self) -> Recipe:
        return recipe_for(self.uvicorn)

    @property
    def minor(self) -> str:
        return self.python or self.recipe.pythons[0]

    @property
    def requirements(self) -> tuple[str, ...]:
        """Installed next to the release: its standard extra (when it is installed with
        its dependencies), then the scenario's extras."""
        standard = () if self.recipe.no_deps else (f"uvicorn[standard]=={self.uvicorn}",)
        return (*standard, *self.extra)

    def interpreter(self) -> Interpreter:
        search = find_interpreter((self.minor,))
        if search.found is None:
            raise SystemExit(search.reason((self.minor,)))
        return search.found

    def env_path(self) -> Path:
        name = venvs.env_name(self.uvicorn, self.interpreter(), self.recipe, self.requirements)
        return envs_dir() / name

    def ensure(self) -> Path:
        return venvs.ensure_env(self.uvicorn, self.interpreter(), self.recipe, self.requirements)

    def pure_python(self, venv: Path) -> list[tuple[str, str]]:
        """The recipe's pure-Python choices that this release's ``--help`` offers."""
        return pure_python_flags(self.recipe, venv)


def get(port: int, scheme: str = "http", path: str = "/") -> None:
    import ssl

    ctx = ssl._create_unverified_context() if scheme == "https" else None
    try:
        urllib.request.urlopen(f"{scheme}://127.0.0.1:{port}{path}", timeout=5, context=ctx).read()
    except Exception as exc:
        print(f"  request failed: {exc}", file=sys.stderr)


def requests(
    c: Ctx, *paths: str, wait: float = 0.3, after: float = 0.3, scheme: str = "http"
) -> None:
    """``wait`` seconds for the server to settle, a GET of each path, ``after`` seconds
    for it to log them."""
    time.sleep(wait)
    for path in paths:
        get(c.port, scheme=scheme, path=path)
    time.sleep(after)


@dataclass
class Scenario:
    name: str  # file stem
    env: Env
    out: str  # "healthy", "pastes/<entry-id>"
    expect: str | None
    body: Callable[[Ctx], Proc]
    describe: str = ""


@dataclass
class Ctx:
    scenario: Scenario
    venv: Path
    app: Path
    port: int
    environ: dict[str, str]
    pure: list[tuple[str, str]]  # (option, value) the recipe runs this release with
    logs: Path  # outside the app folder (a reloader watches that)
    started: list[Proc] = field(default_factory=list)

    def uvicorn(self, *args: str) -> list[str]:
        flags = [part for pair in self.pure for part in pair] + self.scenario.env.flags
        return [
            str(self.venv / "bin" / "uvicorn"),
            "main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *flags,
            *args,
        ]

    def start(self, argv: list[str]) -> Proc:
        self.command = " ".join(
            [
                "uvicorn"
                if a.endswith("/bin/uvicorn")
                else "python"
                if a.endswith("/bin/python")
                else a
                for a in argv
            ]
        )
        proc = start(argv, self.app, self.environ, self.logs)
        self.started.append(proc)
        return proc


# --- scenario bodies -------------------------------------------------------------


def healthy_serve(c: Ctx) -> Proc:
    r = c.start(c.uvicorn())
    if r.wait_for(r"Uvicorn running on", READY):
        requests(c, "/", "/items/42?q=1")
    r.interrupt()
    return r


def healthy_reload(c: Ctx) -> Proc:
    r = c.start(c.uvicorn("--reload"))
    if r.wait_for(r"Application startup complete|Uvicorn running on", READY) and r.wait_for(
        r"Started server process", READY
    ):
        requests(c, "/", wait=1.0, after=0.0)
        main = c.app / "main.py"
        main.write_text(main.read_text() + "\n# edited\n")
        os.utime(main, (time.time() + 2, time.time() + 2))
        if r.wait_for(r"[Rr]eloading", timeout=15):
            r.wait_for(r"Started server process", 15, count=2)
            requests(c, "/", wait=1.0)
    r.interrupt()
    return r


def healthy_workers(c: Ctx) -> Proc:
    r = c.start(c.uvicorn("--workers", "2"))
    r.wait_for(r"Started server process", READY, count=2)
    r.wait_for(r"Application startup complete|Waiting for application startup", 10, count=2)
    requests(c, "/", wait=0.5)
    r.interrupt()
    return r


def ssl_reload(*extra: str) -> Callable[[Ctx], Proc]:
    def body(c: Ctx) -> Proc:
        make_cert = textwrap.dedent("""\
            import trustme
            ca = trustme.CA()
            cert = ca.issue_cert("localhost", "127.0.0.1")
            cert.private_key_pem.write_to_path("key.pem")
            cert.cert_chain_pems[0].write_to_path("cert.pem")
        """)
        subprocess.run([str(c.venv / "bin" / "python"), "-c", make_cert], cwd=c.app, check=True)
        r = c.start(
            c.uvicorn("--reload", "--ssl-keyfile", "key.pem", "--ssl-certfile", "cert.pem", *extra)
        )
        if r.wait_for(r"Started server process|Traceback|Error", timeout=15):
            requests(c, "/", wait=2.0, scheme="https")
        r.wait(3)
        r.interrupt()
        return r

    return body


def plain(*args: str) -> Callable[[Ctx], Proc]:
    def body(c: Ctx) -> Proc:
        r = c.start(c.uvicorn(*args))
        r.wait_for(r"Started server process|Traceback|Error", timeout=15)
        time.sleep(2.0)
        r.wait(2)
        r.interrupt()
        return r

    return body


def script(template: str, kwargs: str, settle: float = 4.0) -> Callable[[Ctx], Proc]:
    def body(c: Ctx) -> Proc:
        args = kwargs + "".join(f', {o.lstrip("-")}="{v}"' for o, v in c.pure)
        (c.app / "serve.py").write_text(
            template.replace("PORT", str(c.port)).replace("{kwargs}", args)
        )
        r = c.start([str(c.venv / "bin" / "python"), "serve.py"])
        r.wait_for(r"Traceback|Started server process|You must pass", timeout=15)
        time.sleep(settle)
        r.wait(2)
        r.interrupt()
        return r

    return body


# --- the scenario list -----------------------------------------------------------

E = Env
TRUSTME = ["trustme"]

SCENARIOS: list[Scenario] = []


def add(
    name: str, env: Env, out: str, body: Callable[[Ctx], Proc], expect: str | None = None
) -> None:
    SCENARIOS.append(Scenario(name, env, out, expect, body))


# 0.13.x predates uvloop 0.15+, whose get_event_loop() fails in spawned workers;
# the asyncio loop keeps these runs about uvicorn itself. Its runs use Python 3.9 (the
# recipe's second choice), where they were captured; the others the recipe's first.
for version, py, flags in [
    ("0.11.8", None, []),
    ("0.13.4", "3.9", ["--loop", "asyncio"]),
    ("0.20.0", None, []),
    ("0.30.6", None, []),
    ("0.54.0", None, []),
]:
    env = E(version, py, flags=flags)
    add(f"{version}-serve-ctrl-c", env, "healthy", healthy_serve)
    add(f"{version}-reload", env, "healthy", healthy_reload)
    add(f"{version}-workers-2", env, "healthy", healthy_workers)
add("0.8.1-ssl-reload", E("0.8.1", extra=TRUSTME), "healthy", ssl_reload())

A = "app-instance-with-workers-or-reload"
for version, kwargs in [
    ("0.10.3", "workers=2"),
    ("0.10.4", "workers=2"),
    ("0.10.5", "workers=2"),
    ("0.10.5", "reload=True"),
    ("0.10.6", "workers=2"),
    ("0.54.0", "reload=True"),
]:
    kind = kwargs.partition("=")[0]
    add(
        f"{version}-{kind}-app-object",
        E(version),
        f"pastes/{A}",
        script(APP_OBJECT_SCRIPT, kwargs),
        A,
    )

S = "ssl-with-reload-crash"
add("0.6.1-ssl-reload", E("0.6.1", extra=TRUSTME), f"pastes/{S}", ssl_reload(), S)
add("0.7.3-plain-reload", E("0.7.3"), f"pastes/{S}", plain("--reload"), S)
add("0.7.2-ssl-reload", E("0.7.2", extra=TRUSTME), f"pastes/{S}", ssl_reload(), S)
add("0.7.3-ssl-reload", E("0.7.3", extra=TRUSTME), f"pastes/{S}", ssl_reload(), S)
add("0.8.0-ssl-reload", E("0.8.0", extra=TRUSTME), f"pastes/{S}", ssl_reload(), S)
add("0.8.0-plain-reload", E("0.8.0"), f"pastes/{S}", plain("--reload"), S)
add("0.8.0-workers-2", E("0.8.0"), f"pastes/{S}", plain("--workers", "2"), S)

G = "programmatic-reload-without-main-guard"
for version, py, kwargs in [
    ("0.54.0", None, "reload=True"),
    ("0.54.0", None, "workers=2"),
    ("0.13.4", "3.9", "reload=True"),
]:
    kind = kwargs.partition("=")[0]
    add(
        f"{version}-{kind}-no-main-guard",
        E(version, py),
        f"pastes/{G}",
        script(NO_GUARD_SCRIPT, kwargs),
        G,
    )


# Negatives: real failures that are *not* one of the KB's classes.
FASTAPI_APP = """\
import pickle
from concurrent.futures import ProcessPoolExecutor

from fastapi import FastAPI

app = FastAPI()
USERS = {"alice": {"plan": "pro"}}


@app.get("/users/{name}")
def get_user(name: str):
    return USERS[name]  # KeyError for unknown users


@app.get("/report")
def report():
    def render(n):  # a local function: cannot be sent to another process
        return n * 2

    with ProcessPoolExecutor(max_workers=1) as pool:
        return {"value": pool.submit(render, 21).result()}
"""

IMPORT_TIME_ERROR = (
    """\
import os

if "DATABASE_URL" not in os.environ:
    raise RuntimeError("DATABASE_URL is not set; copy .env.example to .env")
"""
    + APP
)


def negative_requests(*args: str, paths: tuple[str, ...], app_text: str) -> Callable[[Ctx], Proc]:
    def body(c: Ctx) -> Proc:
        (c.app / "main.py").write_text(app_text)
        r = c.start(c.uvicorn(*args))
        if r.wait_for(r"Application startup complete|Traceback", timeout=20):
            requests(c, *paths, wait=1.0, after=1.0)
        r.interrupt()
        return r

    return body


FASTAPI = ["fastapi"]
add(
    "fastapi-keyerror-h11-0.54.0",
    E("0.54.0", extra=FASTAPI),
    "negatives",
    negative_requests("--http", "h11", paths=("/users/alice", "/users/bob"), app_text=FASTAPI_APP),
    "none",
)
add(
    "fastapi-workers-user-pickle-error-0.54.0",
    E("0.54.0", extra=FASTAPI),
    "negatives",
    negative_requests("--workers", "2", paths=("/report",), app_text=FASTAPI_APP),
    "none",
)
add(
    "app-import-runtimeerror-reload-0.54.0",
    E("0.54.0"),
    "negatives",
    negative_requests("--reload", paths=(), app_text=IMPORT_TIME_ERROR),
    "none",
)
add(
    "app-import-runtimeerror-0.30.6",
    E("0.30.6"),
    "negatives",
    negative_requests(paths=(), app_text=IMPORT_TIME_ERROR),
    "none",
)


# --- running and writing ---------------------------------------------------------


def capture(s: Scenario, base: Path) -> Path:
    if base != envs_dir():
        os.environ["DOCTOR_ENVS_DIR"] = str(base)  # where venvs.ensure_env builds and caches
    venv = s.env.ensure()
    code = "import sys;print(sys.base_prefix);print(sys.version.split()[0])"
    base_prefix, pyver = ask(venv / "bin" / "python", code)
    with (
        tempfile.TemporaryDirectory(prefix="uvd-app-") as tmp,
        tempfile.TemporaryDirectory(prefix="uvd-log-") as logs,
    ):
        app = Path(tmp)
        (app / "main.py").write_text(APP)
        environ = program_environ(venv)
        ctx = Ctx(s, venv, app, free_port(), environ, s.env.pure_python(venv), Path(logs))
        try:
            run = s.body(ctx)
        finally:
            for proc in ctx.started:
                proc.kill()  # reaped, whatever the body did
        pairs = [
            (str(app.resolve()), "/home/user/app"),
            (str(app), "/home/user/app"),
            (str(venv.resolve()), "/tmp/venv"),
            (str(venv), "/tmp/venv"),
            (base_prefix, "/usr/local"),
        ]
        text = normalise(run.output(), pairs)
        command = normalise(getattr(ctx, "command", ""), pairs)
        status = run.returncode
    header = [
        "## source: captured",
        f"## uvicorn: {s.env.uvicorn}",
        f"## python: {pyver}",
        "## platform: linux",
        f"## date: {_dt.date.today().isoformat()}",
        f"## command: {command}",
        f"## exit: {status}",
    ]
    if s.expect is not None or s.out.startswith(("pastes", "negatives")):
        header.append(f"## expect: {s.expect or 'none'}")
    return write(CORPUS / s.out / f"{s.name}.txt", header, text)


def fresh(chosen: list[Scenario], base: Path) -> None:
    """Delete the environments the chosen scenarios would reuse."""
    if base != envs_dir():
        os.environ["DOCTOR_ENVS_DIR"] = str(base)
    for path in {s.env.env_path() for s in chosen}:
        shutil.rmtree(path, ignore_errors=True)


def listing(s: Scenario) -> str:
    return f"{s.out}/{s.name}.txt  (uvicorn {s.env.uvicorn}, Python {s.env.minor})"


if __name__ == "__main__":
    cli(__doc__ or "", SCENARIOS, listing, capture, fresh, envs_dir())

"""Regenerate the real-output corpora under tests/corpus/ by running real uvicorn releases.

Not run by the test suite. Usage (from the repository root):

    python tests/corpus/capture.py                 # every scenario
    python tests/corpus/capture.py --only 0.54.0   # scenarios whose name contains the text
    python tests/corpus/capture.py --list

Needs ``uv`` and ``pyenv`` on PATH (Python interpreters are found under ``pyenv root``).
Each release is installed into a throw-away virtualenv under ``--venvs`` (default: a
folder in the system temp dir). Releases older than 0.12 pin uvloop/httptools builds
that no longer compile, so they are installed with ``--no-deps`` plus ``click==7.1.2
h11==0.8.1`` and run with ``--loop asyncio --http h11 --ws none``.

Every server is started in its own process group with a deadline; the group is sent
SIGINT (what Ctrl-C does in a terminal), then SIGKILL if it lingers, and reaped.
Output is normalised: the virtualenv becomes ``/tmp/venv``, the app folder
``/home/user/app``, the interpreter prefix ``/usr/local``, and each file gets the
``## key: value`` header lines the tests strip.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
OLD_FLAGS = ["--loop", "asyncio", "--http", "h11", "--ws", "none"]
OLD_DEPS = ["click==7.1.2", "h11==0.8.1"]

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


def pyenv_python(version_prefix: str) -> str:
    out = subprocess.run(["pyenv", "root"], check=True, capture_output=True, text=True)
    root = out.stdout.strip()
    versions = sorted(
        (p for p in (Path(root) / "versions").iterdir() if p.name.startswith(version_prefix)),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.name.split(".")],
    )
    if not versions:
        raise SystemExit(f"no pyenv Python {version_prefix}.* under {root}/versions")
    return str(versions[-1] / "bin" / "python")


@dataclass
class Env:
    uvicorn: str
    python: str  # "3.8"
    old: bool
    extra: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # extra uvicorn options for every run

    def venv(self, base: Path) -> Path:
        return base / f"uvicorn-{self.uvicorn}-py{self.python}"

    def ensure(self, base: Path) -> Path:
        d = self.venv(base)
        env = dict(os.environ, VIRTUAL_ENV=str(d))
        if not (d / "bin" / "python").exists():
            py = pyenv_python(self.python)
            subprocess.run(["uv", "venv", "-q", "-p", py, str(d)], check=True)
            if self.old:
                pkgs = ["--no-deps", f"uvicorn=={self.uvicorn}", *OLD_DEPS]
            else:
                pkgs = [f"uvicorn[standard]=={self.uvicorn}"]
            subprocess.run(["uv", "pip", "install", "-q", *pkgs], check=True, env=env)
        if self.extra:
            subprocess.run(["uv", "pip", "install", "-q", *self.extra], check=True, env=env)
        return d

    def real_python(self, d: Path) -> tuple[str, str]:
        out = subprocess.run(
            [
                str(d / "bin" / "python"),
                "-c",
                "import sys;print(sys.base_prefix);print(sys.version.split()[0])",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        return out[0], out[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Run:
    """A process in its own group whose merged output is collected line by line."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
            errors="replace",
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()

    def wait_for(self, pattern: str, timeout: float = 20.0, count: int = 1) -> bool:
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while sum(1 for line in self.lines if rx.search(line)) < count:
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self.reader.is_alive()):
                    return False
                self.cond.wait(min(left, 0.2))
        return True

    def wait_exit(self, timeout: float) -> bool:
        try:
            self.proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def stop(self, grace: float = 10.0) -> None:
        """Ctrl-C the whole group, then kill whatever is left, and reap."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGINT)
            self.wait_exit(grace)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # stragglers in the group
        self.proc.wait()
        self.reader.join(5)

    @property
    def text(self) -> str:
        with self.cond:
            return "".join(self.lines)


def get(port: int, scheme: str = "http", path: str = "/") -> None:
    import ssl

    ctx = ssl._create_unverified_context() if scheme == "https" else None
    try:
        urllib.request.urlopen(f"{scheme}://127.0.0.1:{port}{path}", timeout=5, context=ctx).read()
    except Exception as exc:
        print(f"  request failed: {exc}", file=sys.stderr)


@dataclass
class Scenario:
    name: str  # file stem
    env: Env
    out: str  # "healthy", "pastes/<entry-id>"
    expect: str | None
    body: Callable[[Ctx], Run]
    describe: str = ""


@dataclass
class Ctx:
    scenario: Scenario
    venv: Path
    app: Path
    port: int
    environ: dict[str, str]

    def uvicorn(self, *args: str) -> list[str]:
        flags = (OLD_FLAGS if self.scenario.env.old else []) + self.scenario.env.flags
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

    def start(self, argv: list[str]) -> Run:
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
        return Run(argv, self.app, self.environ)


# --- scenario bodies -------------------------------------------------------------


def healthy_serve(c: Ctx) -> Run:
    r = c.start(c.uvicorn())
    if r.wait_for(r"Uvicorn running on"):
        time.sleep(0.3)
        get(c.port)
        get(c.port, path="/items/42?q=1")
        time.sleep(0.3)
    r.stop()
    return r


def healthy_reload(c: Ctx) -> Run:
    r = c.start(c.uvicorn("--reload"))
    if r.wait_for(r"Application startup complete|Uvicorn running on") and r.wait_for(
        r"Started server process"
    ):
        time.sleep(1.0)
        get(c.port)
        main = c.app / "main.py"
        main.write_text(main.read_text() + "\n# edited\n")
        os.utime(main, (time.time() + 2, time.time() + 2))
        if r.wait_for(r"[Rr]eloading", timeout=15):
            r.wait_for(r"Started server process", count=2, timeout=15)
            time.sleep(1.0)
            get(c.port)
            time.sleep(0.3)
    r.stop()
    return r


def healthy_workers(c: Ctx) -> Run:
    r = c.start(c.uvicorn("--workers", "2"))
    r.wait_for(r"Started server process", count=2)
    r.wait_for(r"Application startup complete|Waiting for application startup", count=2, timeout=10)
    time.sleep(0.5)
    get(c.port)
    time.sleep(0.3)
    r.stop()
    return r


def ssl_reload(*extra: str) -> Callable[[Ctx], Run]:
    def body(c: Ctx) -> Run:
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
            time.sleep(2.0)
            get(c.port, scheme="https")
            time.sleep(0.3)
        r.wait_exit(3)
        r.stop()
        return r

    return body


def plain(*args: str) -> Callable[[Ctx], Run]:
    def body(c: Ctx) -> Run:
        r = c.start(c.uvicorn(*args))
        r.wait_for(r"Started server process|Traceback|Error", timeout=15)
        time.sleep(2.0)
        r.wait_exit(2)
        r.stop()
        return r

    return body


def script(template: str, kwargs: str, settle: float = 4.0) -> Callable[[Ctx], Run]:
    def body(c: Ctx) -> Run:
        args = kwargs + (', loop="asyncio", http="h11", ws="none"' if c.scenario.env.old else "")
        (c.app / "serve.py").write_text(
            template.replace("PORT", str(c.port)).replace("{kwargs}", args)
        )
        r = c.start([str(c.venv / "bin" / "python"), "serve.py"])
        r.wait_for(r"Traceback|Started server process|You must pass", timeout=15)
        time.sleep(settle)
        r.wait_exit(2)
        r.stop()
        return r

    return body


# --- the scenario list -----------------------------------------------------------

E = Env
OLD38 = dict(python="3.8", old=True)
TRUSTME = ["trustme"]

SCENARIOS: list[Scenario] = []


def add(
    name: str, env: Env, out: str, body: Callable[[Ctx], Run], expect: str | None = None
) -> None:
    SCENARIOS.append(Scenario(name, env, out, expect, body))


# 0.13.x predates uvloop 0.15+, whose get_event_loop() fails in spawned workers;
# the asyncio loop keeps these runs about uvicorn itself.
for version, py, old, flags in [
    ("0.11.8", "3.8", True, []),
    ("0.13.4", "3.9", False, ["--loop", "asyncio"]),
    ("0.20.0", "3.10", False, []),
    ("0.30.6", "3.11", False, []),
    ("0.54.0", "3.12", False, []),
]:
    env = E(version, py, old, flags=flags)
    add(f"{version}-serve-ctrl-c", env, "healthy", healthy_serve)
    add(f"{version}-reload", env, "healthy", healthy_reload)
    add(f"{version}-workers-2", env, "healthy", healthy_workers)
add("0.8.1-ssl-reload", E("0.8.1", extra=TRUSTME, **OLD38), "healthy", ssl_reload())

A = "app-instance-with-workers-or-reload"
add(
    "0.10.3-workers-app-object",
    E("0.10.3", **OLD38),
    f"pastes/{A}",
    script(APP_OBJECT_SCRIPT, "workers=2"),
    A,
)
add(
    "0.10.4-workers-app-object",
    E("0.10.4", **OLD38),
    f"pastes/{A}",
    script(APP_OBJECT_SCRIPT, "workers=2"),
    A,
)
add(
    "0.10.5-workers-app-object",
    E("0.10.5", **OLD38),
    f"pastes/{A}",
    script(APP_OBJECT_SCRIPT, "workers=2"),
    A,
)
add(
    "0.10.5-reload-app-object",
    E("0.10.5", **OLD38),
    f"pastes/{A}",
    script(APP_OBJECT_SCRIPT, "reload=True"),
    A,
)
add(
    "0.10.6-workers-app-object",
    E("0.10.6", **OLD38),
    f"pastes/{A}",
    script(APP_OBJECT_SCRIPT, "workers=2"),
    A,
)
add(
    "0.54.0-reload-app-object",
    E("0.54.0", "3.12", False),
    f"pastes/{A}",
    script(APP_OBJECT_SCRIPT, "reload=True"),
    A,
)

S = "ssl-with-reload-crash"
add("0.6.1-ssl-reload", E("0.6.1", extra=TRUSTME, **OLD38), f"pastes/{S}", ssl_reload(), S)
add("0.7.3-plain-reload", E("0.7.3", **OLD38), f"pastes/{S}", plain("--reload"), S)
add("0.7.2-ssl-reload", E("0.7.2", extra=TRUSTME, **OLD38), f"pastes/{S}", ssl_reload(), S)
add("0.7.3-ssl-reload", E("0.7.3", extra=TRUSTME, **OLD38), f"pastes/{S}", ssl_reload(), S)
add("0.8.0-ssl-reload", E("0.8.0", extra=TRUSTME, **OLD38), f"pastes/{S}", ssl_reload(), S)
add("0.8.0-plain-reload", E("0.8.0", **OLD38), f"pastes/{S}", plain("--reload"), S)
add("0.8.0-workers-2", E("0.8.0", **OLD38), f"pastes/{S}", plain("--workers", "2"), S)

G = "programmatic-reload-without-main-guard"
add(
    "0.54.0-reload-no-main-guard",
    E("0.54.0", "3.12", False),
    f"pastes/{G}",
    script(NO_GUARD_SCRIPT, "reload=True"),
    G,
)
add(
    "0.54.0-workers-no-main-guard",
    E("0.54.0", "3.12", False),
    f"pastes/{G}",
    script(NO_GUARD_SCRIPT, "workers=2"),
    G,
)
add(
    "0.13.4-reload-no-main-guard",
    E("0.13.4", "3.9", False),
    f"pastes/{G}",
    script(NO_GUARD_SCRIPT, "reload=True"),
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


def negative_requests(*args: str, paths: tuple[str, ...], app_text: str) -> Callable[[Ctx], Run]:
    def body(c: Ctx) -> Run:
        (c.app / "main.py").write_text(app_text)
        r = c.start(c.uvicorn(*args))
        if r.wait_for(r"Application startup complete|Traceback", timeout=20):
            time.sleep(1.0)
            for path in paths:
                get(c.port, path=path)
            time.sleep(1.0)
        r.stop()
        return r

    return body


FASTAPI = ["fastapi"]
add(
    "fastapi-keyerror-h11-0.54.0",
    E("0.54.0", "3.12", False, extra=FASTAPI),
    "negatives",
    negative_requests("--http", "h11", paths=("/users/alice", "/users/bob"), app_text=FASTAPI_APP),
    "none",
)
add(
    "fastapi-workers-user-pickle-error-0.54.0",
    E("0.54.0", "3.12", False, extra=FASTAPI),
    "negatives",
    negative_requests("--workers", "2", paths=("/report",), app_text=FASTAPI_APP),
    "none",
)
add(
    "app-import-runtimeerror-reload-0.54.0",
    E("0.54.0", "3.12", False),
    "negatives",
    negative_requests("--reload", paths=(), app_text=IMPORT_TIME_ERROR),
    "none",
)
add(
    "app-import-runtimeerror-0.30.6",
    E("0.30.6", "3.11", False),
    "negatives",
    negative_requests(paths=(), app_text=IMPORT_TIME_ERROR),
    "none",
)


# --- running and writing ---------------------------------------------------------


def normalise(text: str, venv: Path, app: Path, base_prefix: str) -> str:
    for real, fake in [
        (str(app.resolve()), "/home/user/app"),
        (str(app), "/home/user/app"),
        (str(venv.resolve()), "/tmp/venv"),
        (str(venv), "/tmp/venv"),
        (base_prefix, "/usr/local"),
    ]:
        text = text.replace(real, fake)
    return text


def capture(s: Scenario, base: Path) -> Path:
    venv = s.env.ensure(base)
    base_prefix, pyver = s.env.real_python(venv)
    with tempfile.TemporaryDirectory(prefix="uvd-app-") as tmp:
        app = Path(tmp)
        (app / "main.py").write_text(APP)
        environ = {
            k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))
        }
        environ.update(
            PATH=f"{venv / 'bin'}{os.pathsep}{environ.get('PATH', '')}",
            TERM="dumb",
            NO_COLOR="1",
            PYTHONUNBUFFERED="1",
        )
        ctx = Ctx(s, venv, app, free_port(), environ)
        run = s.body(ctx)
        text = normalise(run.text, venv, app, base_prefix)
        command = normalise(getattr(ctx, "command", ""), venv, app, base_prefix)
        status = run.proc.returncode
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
    target = CORPUS / s.out / f"{s.name}.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(header) + "\n" + text)
    return target


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", action="append", default=[], help="substring of scenario names")
    p.add_argument("--list", action="store_true")
    p.add_argument("--venvs", type=Path, default=Path(tempfile.gettempdir()) / "uvd-venvs")
    p.add_argument("--fresh", action="store_true", help="delete --venvs first")
    a = p.parse_args()
    chosen = [s for s in SCENARIOS if not a.only or any(o in s.name for o in a.only)]
    if a.list:
        for s in chosen:
            print(f"{s.out}/{s.name}.txt  (uvicorn {s.env.uvicorn}, Python {s.env.python})")
        return
    if a.fresh and a.venvs.exists():
        shutil.rmtree(a.venvs)
    a.venvs.mkdir(parents=True, exist_ok=True)
    for s in chosen:
        print(f"{s.name} ...", flush=True)
        print(f"  -> {capture(s, a.venvs).relative_to(CORPUS)}", flush=True)


if __name__ == "__main__":
    main()

"""Regenerate tests/corpus/negatives/lookalike-*.txt by running programs that are not uvicorn.

Not run by the test suite. Usage (from the repository root):

    python tests/corpus/lookalikes.py                        # every scenario
    python tests/corpus/lookalikes.py --only address-already  # names containing the text
    python tests/corpus/lookalikes.py --list

Each file is the real output of a program that prints the same generic message as a
KB entry's key message (``[Errno 98] Address already in use``, ``Can't pickle local
object``, ``signal only works in main thread``...) without uvicorn being involved:
the standard library, flask/werkzeug, gunicorn (sync worker), hypercorn, daphne,
aiohttp, tornado, h11/httpx, dill, nest_asyncio, anyio, a Jupyter kernel. They are
negatives: the matcher must claim no uvicorn failure for them.

The programs run from throw-away virtualenvs (``--venvs``, default a folder in the
system temp dir; Python 3.11 and, for nest_asyncio's ``loop_factory`` error, 3.12,
found as the harness finds interpreters: pyenv, uv, PATH) with pinned releases; uvicorn
is never installed and the script stops if it finds it there. Every program runs with
the harness's ``Proc`` (its own process group, output in a log file) with a deadline,
is sent SIGINT (Ctrl-C) when the scenario says so, then SIGKILL if it lingers, and is
reaped. Network traffic goes to 127.0.0.1 only; the "already in use" scenarios bind
the port themselves first. HOME is a temporary folder, so nothing is written to the
real one. Output is normalised: the virtualenv becomes ``/tmp/venv``, the working
folder ``/home/user/app``, HOME ``/home/user``, the interpreter prefix ``/usr/local``;
each file gets the ``## key: value`` header lines the tests strip.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.corpus.regenerate import (
    CORPUS,
    ask,
    find_python,
    normalise,
    program_environ,
    start,
    write,
)
from tests.corpus.regenerate import main as cli

OUT = CORPUS / "negatives"

PACKAGES_311 = [
    "flask==3.1.3",
    "werkzeug==3.1.9",
    "gunicorn==27.0.1",
    "hypercorn==0.18.0",
    "daphne==4.2.3",
    "aiohttp==3.14.5",
    "tornado==6.6.1",
    "h11==0.16.0",
    "httpx==0.29.0",
    "dill==0.4.1",
    "starlette==1.10.0",
    "fastapi==0.165.0",
    "anyio==4.16.0",
    "nbclient==0.11.0",
    "nbformat==5.11.1",
    "ipykernel==7.4.0",
]
PACKAGES_312 = ["nest_asyncio==1.6.0"]
PACKAGES = {"3.11": PACKAGES_311, "3.12": PACKAGES_312}


# --- the programs ----------------------------------------------------------------

HELLO_FLASK = """\
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"
"""

ASGI_APP = """\
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hello"})
"""

WSGI_APP = """\
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]
"""

AIOHTTP_APP = """\
import sys

from aiohttp import web


async def index(request):
    return web.Response(text="hello")


app = web.Application()
app.router.add_get("/", index)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]))
"""

ASYNCIO_SERVER = """\
import asyncio
import sys


async def handle(reader, writer):
    writer.write(await reader.readline())
    writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]))
    print("echo server on", server.sockets[0].getsockname(), flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
"""

MP_LOCAL = """\
import multiprocessing


def main():
    def work(n):
        return n * 2

    multiprocessing.set_start_method("spawn")
    proc = multiprocessing.Process(target=work, args=(21,))
    proc.start()
    proc.join()


if __name__ == "__main__":
    main()
"""

POOL_LOCAL = """\
from concurrent.futures import ProcessPoolExecutor


def main():
    def square(n):
        return n * n

    with ProcessPoolExecutor(max_workers=2) as pool:
        print(list(pool.map(square, range(4))))


if __name__ == "__main__":
    main()
"""

MP_SSL = """\
import multiprocessing
import ssl


def serve(context):
    print(context)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    proc = multiprocessing.Process(target=serve, args=(context,))
    proc.start()
    proc.join()
"""

DILL_REPL = """\
import dill, ssl
ctx = ssl.create_default_context()
dill.dumps(ctx)
"""

LOG_CONFIG = """\
import logging
import logging.config
import sys


class ColourFormatter(logging.Formatter):
    def __init__(self, fmt=None, datefmt=None, style="%"):
        self.use_colours = sys.stdout.isatty()
        super().__init__(fmt, datefmt, style)


LOGGING = {
    "version": 1,
    "formatters": {"default": {"()": ColourFormatter, "fmt": "%(levelname)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}

logging.config.dictConfig(LOGGING)
logging.getLogger(__name__).info("worker ready")
"""

REPORT = """\
import sys

colour = sys.stdout.isatty()
print("\\033[32mok\\033[0m" if colour else "ok")
"""

NESTED_RUN = """\
import asyncio


async def fetch():
    await asyncio.sleep(0)
    return 42


def sync_fetch():
    return asyncio.run(fetch())


async def main():
    print(sync_fetch())


asyncio.run(main())
"""

TORNADO_RUN_SYNC = """\
import asyncio

from tornado.ioloop import IOLoop


async def fetch():
    return 42


async def main():
    print(IOLoop.current().run_sync(fetch))


asyncio.run(main())
"""

# Runs one notebook cell in a real ipykernel and prints the cell's error output as the
# notebook shows it (the traceback text without its colour codes).
NOTEBOOK = """\
import re
import subprocess
import sys

import nbformat
from nbclient import NotebookClient

nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell(open(sys.argv[1]).read())]
# The kernel's own stderr (its start-up warnings) is not part of what the notebook shows.
client = NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True)
client.execute(stderr=subprocess.DEVNULL)
for output in nb.cells[0].outputs:
    if output.output_type == "stream":
        print(output.text, end="")
    elif output.output_type == "error":
        print(re.sub(r"\\x1b\\[[0-9;]*m", "", "\\n".join(output.traceback)))
"""

CELL_ASYNCIO_RUN = """\
import asyncio

async def fetch():
    await asyncio.sleep(0)
    return 42

asyncio.run(fetch())
"""

CELL_RUN_UNTIL_COMPLETE = """\
import asyncio

async def fetch():
    await asyncio.sleep(0)
    return 42

loop = asyncio.get_event_loop()
loop.run_until_complete(fetch())
"""

NEST_ASYNCIO = """\
import asyncio

import nest_asyncio

nest_asyncio.apply()


async def main():
    await asyncio.sleep(0)


asyncio.run(main(), loop_factory=asyncio.new_event_loop)
"""

ANYIO_RUN = """\
import asyncio

import anyio


async def main():
    await anyio.sleep(0)


anyio.run(main, loop_factory=asyncio.new_event_loop)
"""

SELECTOR_SUBPROCESS = """\
import asyncio
from asyncio.selector_events import BaseSelectorEventLoop


async def main():
    proc = await asyncio.create_subprocess_exec("true")
    await proc.wait()


loop = BaseSelectorEventLoop()
loop.run_until_complete(main())
"""

SELECTOR_SIGNAL = """\
import asyncio
import signal
from asyncio.selector_events import BaseSelectorEventLoop


async def main():
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


loop = BaseSelectorEventLoop()
loop.run_until_complete(main())
"""

SIGNAL_THREAD = """\
import signal
import threading


def on_term(signum, frame):
    print("terminating")


def worker():
    signal.signal(signal.SIGTERM, on_term)


thread = threading.Thread(target=worker)
thread.start()
thread.join()
"""

ASYNCIO_SIGNAL_THREAD = """\
import asyncio
import signal
import threading


async def serve():
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


def worker():
    asyncio.run(serve())


thread = threading.Thread(target=worker)
thread.start()
thread.join()
"""

FLASK_THREAD = """\
import threading

from flask import Flask

app = Flask(__name__)


def serve():
    app.run(host="127.0.0.1", port=0, debug=True)


thread = threading.Thread(target=serve)
thread.start()
thread.join()
"""

HYPERCORN_THREAD = """\
import asyncio
import threading

from hypercorn.asyncio import serve
from hypercorn.config import Config


async def app(scope, receive, send):
    pass


def run():
    config = Config()
    config.bind = ["127.0.0.1:0"]
    asyncio.run(serve(app, config))


thread = threading.Thread(target=run)
thread.start()
thread.join()
"""

THREAD_NO_LOOP = """\
import asyncio
import threading


def worker():
    loop = asyncio.get_event_loop()
    loop.run_until_complete(asyncio.sleep(0))


thread = threading.Thread(target=worker)
thread.start()
thread.join()
"""

NO_APP_ATTRIBUTE = """\
def create_app():
    from flask import Flask

    return Flask(__name__)
"""

H11_CLIENT = """\
import h11

conn = h11.Connection(our_role=h11.CLIENT)
conn.send(
    h11.Request(
        method="POST",
        target="/upload",
        headers=[("Host", "127.0.0.1"), ("Content-Length", "5")],
    )
)
conn.send(h11.Data(data=b"hello, world"))
"""

HTTPX_CLIENT = """\
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.send_response(204)
        self.end_headers()


server = HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_port}/upload"
try:
    httpx.post(url, content=b"hello, world", headers={"Content-Length": "5"})
finally:
    server.shutdown()
"""

WRONG_LENGTH_APP = """\
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"text/plain"), (b"content-length", b"5")],
    })
    await send({"type": "http.response.body", "body": b"hello, world"})
"""

SLEEP_LOOP = """\
import time

print("polling the queue every second; Ctrl-C to stop", flush=True)
while True:
    time.sleep(1)
"""

TORNADO_APP = """\
import tornado.web
from tornado.ioloop import IOLoop


class MainHandler(tornado.web.RequestHandler):
    def get(self):
        self.write("hello")


app = tornado.web.Application([(r"/", MainHandler)])
server = app.listen(0, address="127.0.0.1")
print("listening", flush=True)
IOLoop.current().start()
"""

STARLETTE_LIFESPAN = """\
import contextlib

from starlette.applications import Starlette


@contextlib.asynccontextmanager
async def lifespan(app):
    raise RuntimeError("could not connect to the database")
    yield


app = Starlette(lifespan=lifespan)
"""

FASTAPI_LIFESPAN = """\
import contextlib

from fastapi import FastAPI


@contextlib.asynccontextmanager
async def lifespan(app):
    raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 6379)")
    yield


app = FastAPI(lifespan=lifespan)
"""

STARLETTE_HTTP_ONLY = """\
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def index(request):
    return PlainTextResponse("hello")


app = Starlette(routes=[Route("/", index)])
"""


# --- traffic (127.0.0.1 only) ------------------------------------------------------


def http_get(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        with contextlib.suppress(OSError):
            while s.recv(65536):
                pass


def websocket_upgrade(port: int) -> None:
    request = (
        b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request)
        with contextlib.suppress(OSError):
            s.recv(65536)


# --- scenarios -------------------------------------------------------------------


@dataclass
class Scenario:
    entry: str  # the KB entry whose key message this output looks like
    program: str  # file name suffix
    argv: list[str]  # "{port}" is replaced; a first "python"/"flask"/... runs from the venv
    dists: tuple[str, ...] = ()  # distributions named in ## program
    label: str = ""  # what runs, when there are no distributions to name
    files: dict[str, str] = field(default_factory=dict)  # written into the working folder
    describe: str = ""  # what a script does, for ## source
    python: str = "3.11"
    hold_port: bool = False  # bind {port} first, so the program finds it in use
    close_stdout: bool = False  # run with file descriptor 1 closed (sys.stdout is None)
    stdin: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    ready: str | None = None  # wait for this line; group 1, if any, is the port
    traffic: Callable[[int], None] | None = None
    interrupt: bool = False  # send SIGINT once ready (or after `settle`)
    settle: float = 1.0
    deadline: float = 60.0

    @property
    def name(self) -> str:
        return f"lookalike-{self.entry}-{self.program}"


SCENARIOS: list[Scenario] = []


def add(s: Scenario) -> None:
    SCENARIOS.append(s)


ADDR = "address-already-in-use"
add(
    Scenario(
        ADDR,
        "http-server",
        ["python", "-m", "http.server", "{port}", "--bind", "127.0.0.1"],
        label="http.server (standard library)",
        hold_port=True,
    )
)
add(
    Scenario(
        ADDR,
        "flask",
        ["flask", "--app", "hello", "run", "--port", "{port}"],
        dists=("flask", "werkzeug"),
        files={"hello.py": HELLO_FLASK},
        hold_port=True,
    )
)
add(
    Scenario(
        ADDR,
        "aiohttp",
        ["python", "serve.py", "{port}"],
        dists=("aiohttp",),
        files={"serve.py": AIOHTTP_APP},
        describe="serve.py calls aiohttp's web.run_app(app, host='127.0.0.1', port=PORT)",
        hold_port=True,
    )
)
add(
    Scenario(
        ADDR,
        "asyncio-start-server",
        ["python", "echo.py", "{port}"],
        label="asyncio (standard library)",
        files={"echo.py": ASYNCIO_SERVER},
        describe="echo.py serves asyncio.start_server() on 127.0.0.1:PORT",
        hold_port=True,
    )
)
add(
    Scenario(
        ADDR,
        "hypercorn",
        ["hypercorn", "--bind", "127.0.0.1:{port}", "asgi:app"],
        dists=("hypercorn",),
        files={"asgi.py": ASGI_APP},
        hold_port=True,
    )
)
add(
    Scenario(
        ADDR,
        "gunicorn-sync",
        ["gunicorn", "--bind", "127.0.0.1:{port}", "wsgi:app"],
        dists=("gunicorn",),
        files={"wsgi.py": WSGI_APP},
        hold_port=True,
    )
)
add(
    Scenario(
        ADDR,
        "daphne",
        ["daphne", "-b", "127.0.0.1", "-p", "{port}", "asgi:app"],
        dists=("daphne", "twisted"),
        files={"asgi.py": ASGI_APP},
        hold_port=True,
    )
)

PICKLE = "app-instance-with-workers-or-reload"
add(
    Scenario(
        PICKLE,
        "multiprocessing-spawn",
        ["python", "jobs.py"],
        label="multiprocessing (standard library)",
        files={"jobs.py": MP_LOCAL},
        describe="jobs.py starts a spawn-context multiprocessing.Process whose target is "
        "a function defined inside main()",
    )
)
add(
    Scenario(
        PICKLE,
        "processpoolexecutor",
        ["python", "squares.py"],
        label="concurrent.futures (standard library)",
        files={"squares.py": POOL_LOCAL},
        describe="squares.py maps a function defined inside main() over a ProcessPoolExecutor",
    )
)
add(
    Scenario(
        PICKLE,
        "pickle-lambda",
        ["python", "-c", "import pickle; pickle.dumps(lambda: 0)"],
        label="pickle (standard library)",
    )
)
add(
    Scenario(
        PICKLE,
        "pickle-lock",
        ["python", "-c", "import pickle, threading; pickle.dumps(threading.Lock())"],
        label="pickle (standard library)",
    )
)

SSL = "ssl-with-reload-crash"
add(
    Scenario(
        SSL,
        "pickle",
        ["python", "-c", "import pickle, ssl; pickle.dumps(ssl.create_default_context())"],
        label="pickle (standard library)",
    )
)
add(
    Scenario(
        SSL,
        "dill-repl",
        ["python", "-q", "-i"],
        dists=("dill",),
        stdin=DILL_REPL,
        describe="three lines typed into the interactive interpreter: "
        "import dill, ssl / ctx = ssl.create_default_context() / dill.dumps(ctx)",
    )
)
add(
    Scenario(
        SSL,
        "multiprocessing-spawn",
        ["python", "tls_worker.py"],
        label="multiprocessing (standard library)",
        files={"tls_worker.py": MP_SSL},
        describe="tls_worker.py passes an ssl.SSLContext to a spawn-context "
        "multiprocessing.Process",
    )
)

ISATTY = "stdout-none-isatty"
add(
    Scenario(
        ISATTY,
        "closed-stdout",
        ["python", "report.py"],
        files={"report.py": REPORT},
        close_stdout=True,
        describe="report.py checks sys.stdout.isatty() to pick colours; started with stdout "
        "closed, so sys.stdout is None, as under pythonw or some service managers",
    )
)
add(
    Scenario(
        ISATTY,
        "dictconfig-formatter",
        ["python", "logsetup.py"],
        label="logging.config (standard library)",
        files={"logsetup.py": LOG_CONFIG},
        close_stdout=True,
        describe="logsetup.py gives logging.config.dictConfig a formatter class that calls "
        "sys.stdout.isatty(); started with stdout closed",
    )
)
add(
    Scenario(
        ISATTY,
        "stdout-none",
        [
            "python",
            "-c",
            "import sys; sys.stdout = None; "
            'print("colour" if sys.stdout.isatty() else "plain", file=sys.stderr)',
        ],
    )
)

LOOP = "running-event-loop"
add(
    Scenario(
        LOOP,
        "nested-asyncio-run",
        ["python", "client.py"],
        label="asyncio (standard library)",
        files={"client.py": NESTED_RUN},
        describe="client.py calls a sync helper that uses asyncio.run() from inside a coroutine",
    )
)
add(
    Scenario(
        LOOP,
        "jupyter-asyncio-run",
        ["python", "run_cell.py", "cell.py"],
        dists=("ipykernel", "nbclient"),
        files={"run_cell.py": NOTEBOOK, "cell.py": CELL_ASYNCIO_RUN},
        describe="a notebook cell calling asyncio.run(fetch()) executed in an ipykernel by "
        "nbclient; the cell's error output as the notebook shows it",
    )
)
add(
    Scenario(
        LOOP,
        "jupyter-run-until-complete",
        ["python", "run_cell.py", "cell.py"],
        dists=("ipykernel", "nbclient"),
        files={"run_cell.py": NOTEBOOK, "cell.py": CELL_RUN_UNTIL_COMPLETE},
        describe="a notebook cell calling loop.run_until_complete(fetch()) executed in an "
        "ipykernel by nbclient; the cell's error output as the notebook shows it",
    )
)
add(
    Scenario(
        LOOP,
        "tornado-run-sync",
        ["python", "legacy.py"],
        dists=("tornado",),
        files={"legacy.py": TORNADO_RUN_SYNC},
        describe="legacy.py calls tornado's IOLoop.current().run_sync() inside asyncio.run()",
    )
)

NEST = "nest-asyncio-loop-factory"
add(
    Scenario(
        NEST,
        "nest-asyncio-script",
        ["python", "batch.py"],
        dists=("nest_asyncio",),
        python="3.12",
        files={"batch.py": NEST_ASYNCIO},
        describe="batch.py applies nest_asyncio, then calls "
        "asyncio.run(main(), loop_factory=asyncio.new_event_loop)",
    )
)
add(
    Scenario(
        NEST,
        "anyio-run",
        ["python", "job.py"],
        dists=("anyio",),
        files={"job.py": ANYIO_RUN},
        describe="job.py calls anyio.run(main, loop_factory=asyncio.new_event_loop)",
    )
)

# setup-event-loop-removed has no lookalike here: no program but uvicorn has a
# `setup_event_loop` on its Config, so calling that method on another Config is not
# something a user meets (two such contrived scenarios were dropped).

WINDOWS = "windows-selector-event-loop"
add(
    Scenario(
        WINDOWS,
        "base-selector-subprocess",
        ["python", "spawn.py"],
        label="asyncio (standard library)",
        files={"spawn.py": SELECTOR_SUBPROCESS},
        describe="spawn.py runs asyncio.create_subprocess_exec() on a plain "
        "asyncio.selector_events.BaseSelectorEventLoop, which has no subprocess support",
    )
)
add(
    Scenario(
        WINDOWS,
        "base-selector-add-signal-handler",
        ["python", "stopper.py"],
        label="asyncio (standard library)",
        files={"stopper.py": SELECTOR_SIGNAL},
        describe="stopper.py calls loop.add_signal_handler() on a plain "
        "asyncio.selector_events.BaseSelectorEventLoop, which has no signal support",
    )
)

SIGNAL = "signal-outside-main-thread"
add(
    Scenario(
        SIGNAL,
        "signal-in-thread",
        ["python", "worker.py"],
        label="signal (standard library)",
        files={"worker.py": SIGNAL_THREAD},
        describe="worker.py calls signal.signal(SIGTERM, ...) in a threading.Thread",
    )
)
add(
    Scenario(
        SIGNAL,
        "asyncio-add-signal-handler-thread",
        ["python", "worker.py"],
        label="asyncio (standard library)",
        files={"worker.py": ASYNCIO_SIGNAL_THREAD},
        describe="worker.py runs asyncio.run() in a threading.Thread and calls "
        "loop.add_signal_handler() there",
    )
)
add(
    Scenario(
        SIGNAL,
        "flask-debug-thread",
        ["python", "devserver.py"],
        dists=("flask", "werkzeug"),
        files={"devserver.py": FLASK_THREAD},
        describe="devserver.py calls app.run(debug=True) in a threading.Thread "
        "where werkzeug's reloader installs a SIGTERM handler",
    )
)
add(
    Scenario(
        SIGNAL,
        "hypercorn-serve-thread",
        ["python", "embedded.py"],
        dists=("hypercorn",),
        files={"embedded.py": HYPERCORN_THREAD},
        describe="embedded.py runs asyncio.run(hypercorn.asyncio.serve(app, config)) in a "
        "threading.Thread",
    )
)
add(
    Scenario(
        SIGNAL,
        "thread-no-current-loop",
        ["python", "worker.py"],
        label="asyncio (standard library)",
        files={"worker.py": THREAD_NO_LOOP},
        describe="worker.py calls asyncio.get_event_loop() in a threading.Thread",
    )
)

MODULE = "import-module-not-found"
add(
    Scenario(
        MODULE,
        "python",
        ["python", "-c", "import main"],
    )
)
add(
    Scenario(
        MODULE,
        "gunicorn-sync",
        ["gunicorn", "--bind", "127.0.0.1:0", "main:app"],
        dists=("gunicorn",),
        settle=5.0,
    )
)
add(
    Scenario(
        MODULE,
        "flask",
        ["flask", "run", "--port", "0"],
        dists=("flask",),
        env={"FLASK_APP": "main"},
        describe="in a folder without main.py",
    )
)
add(
    Scenario(
        MODULE,
        "hypercorn",
        ["hypercorn", "--bind", "127.0.0.1:0", "main:app"],
        dists=("hypercorn",),
        settle=5.0,
        interrupt=True,
    )
)
add(
    Scenario(
        MODULE,
        "daphne",
        ["daphne", "-b", "127.0.0.1", "-p", "0", "main:app"],
        dists=("daphne",),
    )
)

ATTRIBUTE = "import-attribute-not-found"
add(
    Scenario(
        ATTRIBUTE,
        "python",
        ["python", "-c", "import main; main.app"],
        files={"main.py": NO_APP_ATTRIBUTE},
    )
)
add(
    Scenario(
        ATTRIBUTE,
        "gunicorn-sync",
        ["gunicorn", "--bind", "127.0.0.1:0", "main:app"],
        dists=("gunicorn",),
        files={"main.py": NO_APP_ATTRIBUTE},
        settle=5.0,
    )
)
add(
    Scenario(
        ATTRIBUTE,
        "flask",
        ["flask", "run", "--port", "0"],
        dists=("flask",),
        env={"FLASK_APP": "main"},
        files={"main.py": NO_APP_ATTRIBUTE},
        describe="main.py has create_app() but no app",
    )
)
add(
    Scenario(
        ATTRIBUTE,
        "hypercorn",
        ["hypercorn", "--bind", "127.0.0.1:0", "main:app"],
        dists=("hypercorn",),
        files={"main.py": NO_APP_ATTRIBUTE},
        settle=5.0,
        interrupt=True,
    )
)
add(
    Scenario(
        ATTRIBUTE,
        "daphne",
        ["daphne", "-b", "127.0.0.1", "-p", "0", "main:app"],
        dists=("daphne",),
        files={"main.py": NO_APP_ATTRIBUTE},
    )
)

LENGTH = "content-length-mismatch"
add(
    Scenario(
        LENGTH,
        "h11-client",
        ["python", "upload.py"],
        dists=("h11",),
        files={"upload.py": H11_CLIENT},
        describe="upload.py sends a 12-byte body after declaring Content-Length: 5 on an "
        "h11 client connection",
    )
)
add(
    Scenario(
        LENGTH,
        "httpx-client",
        ["python", "upload.py"],
        dists=("httpx", "httpcore", "h11"),
        files={"upload.py": HTTPX_CLIENT},
        describe="upload.py posts 12 bytes with a hand-set Content-Length: 5 header through "
        "httpx to a local http.server",
    )
)
add(
    Scenario(
        LENGTH,
        "hypercorn",
        ["hypercorn", "--bind", "127.0.0.1:0", "wrong:app"],
        dists=("hypercorn", "h11"),
        files={"wrong.py": WRONG_LENGTH_APP},
        describe="hypercorn serving an ASGI app that declares Content-Length: 5 and sends "
        "12 bytes; one GET, then Ctrl-C",
        ready=r"Running on http://127\.0\.0\.1:(\d+)",
        traffic=http_get,
        interrupt=True,
    )
)

CTRL_C = "keyboardinterrupt-traceback-on-exit"
add(
    Scenario(
        CTRL_C,
        "asyncio-run",
        ["python", "echo.py", "0"],
        label="asyncio (standard library)",
        files={"echo.py": ASYNCIO_SERVER},
        describe="echo.py serves asyncio.start_server() inside asyncio.run(); Ctrl-C",
        ready=r"echo server on",
        interrupt=True,
    )
)
add(
    Scenario(
        CTRL_C,
        "tornado",
        ["python", "web.py"],
        dists=("tornado",),
        files={"web.py": TORNADO_APP},
        describe="web.py serves a tornado Application with IOLoop.current().start(); Ctrl-C",
        ready=r"listening",
        interrupt=True,
    )
)
add(
    Scenario(
        CTRL_C,
        "sleep-loop",
        ["python", "poll.py"],
        files={"poll.py": SLEEP_LOOP},
        describe="poll.py loops on time.sleep(1); Ctrl-C",
        ready=r"polling",
        interrupt=True,
    )
)

LIFESPAN = "lifespan-startup-failed"
add(
    Scenario(
        LIFESPAN,
        "hypercorn-starlette",
        ["hypercorn", "--bind", "127.0.0.1:0", "main:app"],
        dists=("hypercorn", "starlette"),
        files={"main.py": STARLETTE_LIFESPAN},
        describe="hypercorn serving a Starlette app whose lifespan raises RuntimeError",
        settle=5.0,
        interrupt=True,
    )
)
add(
    Scenario(
        LIFESPAN,
        "hypercorn-fastapi",
        ["hypercorn", "--bind", "127.0.0.1:0", "main:app"],
        dists=("hypercorn", "fastapi", "starlette"),
        files={"main.py": FASTAPI_LIFESPAN},
        describe="hypercorn serving a FastAPI app whose lifespan raises ConnectionRefusedError",
        settle=5.0,
        interrupt=True,
    )
)

WS = "websocket-unsupported-upgrade"
add(
    Scenario(
        WS,
        "daphne",
        ["daphne", "-b", "127.0.0.1", "-p", "0", "main:app"],
        dists=("daphne", "starlette"),
        files={"main.py": STARLETTE_HTTP_ONLY},
        describe="daphne serving a Starlette app with no WebSocket route; one WebSocket "
        "upgrade request to /ws, then Ctrl-C",
        ready=r"Listening on TCP address 127\.0\.0\.1:(\d+)",
        traffic=websocket_upgrade,
        interrupt=True,
    )
)
add(
    Scenario(
        WS,
        "hypercorn",
        ["hypercorn", "--access-logfile", "-", "--bind", "127.0.0.1:0", "main:app"],
        dists=("hypercorn", "starlette"),
        files={"main.py": STARLETTE_HTTP_ONLY},
        describe="hypercorn with its access log on, serving a Starlette app with no "
        "WebSocket route; one WebSocket upgrade request to /ws, then Ctrl-C",
        ready=r"Running on http://127\.0\.0\.1:(\d+)",
        traffic=websocket_upgrade,
        interrupt=True,
    )
)


# --- environments ----------------------------------------------------------------


def ensure_venv(base: Path, version: str) -> Path:
    venv = base / f"py{version}"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([str(find_python(version)), "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES[version]], check=True)
    no_uvicorn = ask(python, "import importlib.util as u; print(u.find_spec('uvicorn') is None)")
    if no_uvicorn != ["True"]:
        raise SystemExit(f"uvicorn is installed in {venv}; these runs must not involve it")
    return venv


def describe_program(s: Scenario, venv: Path) -> tuple[str, str]:
    """(the ## program text, the interpreter's base prefix)."""
    script = (
        "import sys, importlib.metadata as m\n"
        "print(sys.base_prefix); print(sys.version.split()[0])\n"
        "for d in sys.argv[1:]: print(m.version(d))\n"
    )
    prefix, pyver, *versions = ask(venv / "bin" / "python", script, *s.dists)
    names = ", ".join(f"{d} {v}" for d, v in zip(s.dists, versions, strict=True))
    what = names or s.label
    return (f"{what} on CPython {pyver}" if what else f"CPython {pyver}"), prefix


# --- running ---------------------------------------------------------------------


@contextlib.contextmanager
def held_port(hold: bool) -> Iterator[int]:
    """A port on 127.0.0.1 that another socket is listening on (or 0)."""
    if not hold:
        yield 0
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def execute(s: Scenario, venv: Path, work: Path, home: Path, logs: Path) -> tuple[str, str]:
    """Run the scenario; (its output, the command as a user would type it)."""
    for name, text in s.files.items():
        (work / name).write_text(text)
    environ = program_environ(venv, HOME=str(home), **s.env)
    with held_port(s.hold_port) as port:
        shown = [a.replace("{port}", str(port)) for a in s.argv]
        argv = [str(venv / "bin" / shown[0]), *shown[1:]]
        command = shlex.join(shown)
        if s.close_stdout:
            argv = ["sh", "-c", 'exec "$@" >&-', "sh", *argv]
            command += " >&-"
        if s.env:
            command = " ".join(f"{k}={v}" for k, v in s.env.items()) + " " + command
        started = time.monotonic()
        run = start(argv, work, environ, logs, s.stdin)
        try:
            if s.ready is not None:
                m = run.wait_for(s.ready, timeout=30)
                if m is not None and s.traffic is not None:
                    time.sleep(0.5)
                    try:
                        s.traffic(int(m.group(1)))
                    except OSError as exc:
                        print(f"  traffic failed: {exc}", file=sys.stderr)
                    time.sleep(1.0)
                elif m is not None:
                    time.sleep(0.5)
            if s.interrupt:
                run.wait(s.settle if s.ready is None else 0.0)
            else:
                run.wait(max(s.deadline - (time.monotonic() - started), 0.0))
        finally:
            if s.interrupt:
                run.interrupt()  # Ctrl-C to the group, then SIGKILL for what is left
            else:
                run.kill()  # stragglers in the group
    return run.output(), command


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def capture(s: Scenario, base: Path) -> Path:
    venv = ensure_venv(base, s.python)
    program, prefix = describe_program(s, venv)
    with tempfile.TemporaryDirectory(prefix="uvd-lookalike-") as tmp:
        home = Path(tmp) / "home"
        work = home / "app"
        work.mkdir(parents=True)
        logs = Path(tmp) / "logs"  # outside HOME and the working folder
        logs.mkdir()
        text, command = execute(s, venv, work, home, logs)
        pairs = [
            (str(work.resolve()), "/home/user/app"),
            (str(work), "/home/user/app"),
            (str(home.resolve()), "/home/user"),
            (str(home), "/home/user"),
            (str(venv.resolve()), "/tmp/venv"),
            (str(venv), "/tmp/venv"),
            (prefix, "/usr/local"),
            (str(Path.home()), "/home/user"),
        ]
        # colour codes dropped, as a copy from a terminal has none
        text = normalise(ANSI.sub("", text), pairs)
    source = f"executed: {command}"
    if s.describe:
        source += f"  # {s.describe}"
    header = [
        f"## source: {source}",
        f"## program: {program}",
        f"## lookalike-of: {s.entry}",
        "## expect: none",
        "## platform: linux",
        f"## date: {_dt.date.today().isoformat()}",
    ]
    return write(OUT / f"{s.name}.txt", header, text)


def listing(s: Scenario) -> str:
    return f"negatives/{s.name}.txt  (Python {s.python})"


def fresh(_chosen: list[Scenario], base: Path) -> None:
    shutil.rmtree(base, ignore_errors=True)  # one virtualenv per Python: all of them


if __name__ == "__main__":
    cli(
        __doc__ or "",
        SCENARIOS,
        listing,
        capture,
        fresh,
        Path(tempfile.gettempdir()) / "uvd-lookalikes",
    )

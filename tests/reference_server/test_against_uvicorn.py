"""Issue 16, items 10 and 12, side by side: the reference server and uvicorn 0.54.0 on
the same raw requests in the same run. The reference server's answer is asserted; what
uvicorn does is asserted as observed (so a change in a later run shows up here)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import APPS_DIR, Launcher, ServerProcess, app_args, raw_request

pytestmark = pytest.mark.pypi

UVICORN = "0.54.0"
RUNNING = re.compile(rb"Uvicorn running on http://127\.0\.0\.1:(\d+)")


def _uvicorn_python() -> Path:
    from troubleshoot.harness.interpreters import find_interpreter
    from troubleshoot.harness.recipes import recipe_for
    from troubleshoot.harness.venvs import ensure_env

    recipe = recipe_for(UVICORN)
    search = find_interpreter(recipe.pythons)
    if search.found is None:  # the tooling says which interpreter is missing
        pytest.fail(f"no interpreter for uvicorn {UVICORN}: {search.reason(recipe.pythons)}")
    return ensure_env(UVICORN, search.found, recipe) / "bin" / "python"


@pytest.fixture(scope="module")
def uvicorn_port() -> Iterator[int]:
    proc = subprocess.Popen(
        [str(_uvicorn_python()), "-m", "uvicorn", "testapp:app", "--port", "0", "--http", "h11"],
        cwd=APPS_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        port = None
        seen = b""
        while port is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen += line
            if found := RUNNING.search(line):
                port = int(found.group(1))
        assert port is not None, seen.decode(errors="replace")
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.fixture(scope="module")
def reference(module_launch: Launcher) -> ServerProcess:
    return module_launch(*app_args())


def _raw(port: int, payload: bytes) -> bytes:
    return raw_request(port, payload, wait=3)


def _port(server: ServerProcess) -> int:
    return int(server.url().rsplit(":", 1)[1])


BAD_CHUNK = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n"


def test_a_bad_chunk_size(reference: ServerProcess, uvicorn_port: int) -> None:
    ours = _raw(_port(reference), BAD_CHUNK)
    theirs = _raw(uvicorn_port, BAD_CHUNK)
    assert ours.startswith(b"HTTP/1.1 400 ")
    # uvicorn 0.54.0 (h11): a 400 too, or the connection closed without an answer
    assert theirs == b"" or theirs.startswith(b"HTTP/1.1 400 "), theirs[:80]


def test_content_length_and_chunked_together(reference: ServerProcess, uvicorn_port: int) -> None:
    smuggled = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    body = b"0\r\n\r\n" + smuggled
    request = (
        b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    ours = _raw(_port(reference), request)
    theirs = _raw(uvicorn_port, request)
    assert ours.count(b"HTTP/1.1 ") == 1  # answered, then closed (RFC 9112 6.1)
    # observed: uvicorn 0.54.0 keeps the connection and answers the hidden request too
    assert theirs.count(b"HTTP/1.1 ") == 2, theirs[:200]

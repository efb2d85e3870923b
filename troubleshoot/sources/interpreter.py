"""Another interpreter's installed distributions (``--python PATH``).

The interpreter runs a small inline script that prints one JSON object: its
distributions and its PEP 508 marker environment. The script sticks to syntax
and modules that Python 2.7 and 3.x share, and falls back to reading
``*.dist-info`` / ``*.egg-info`` folders where ``importlib.metadata`` is
missing (before 3.8), so old interpreters can still be checked.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TypeGuard

from troubleshoot import bounded
from troubleshoot.errors import EnvSourceError
from troubleshoot.sources.interface import EnvSource, MarkerEnv, Package, Record, UndecidedVersion

# Kept free of f-strings and other 3.x-only syntax on purpose (see module docstring).
SCRIPT = r"""
import json, os, platform, sys

def full_version(info):
    v = '%d.%d.%d' % (info[0], info[1], info[2])
    if info[3] != 'final':
        v += info[3][0] + str(info[4])
    return v

impl = getattr(sys, 'implementation', None)
env = {
    'implementation_name': impl.name if impl else '',
    'implementation_version': full_version(impl.version) if impl else '0',
    'os_name': os.name,
    'platform_machine': platform.machine(),
    'platform_release': platform.release(),
    'platform_system': platform.system(),
    'platform_version': platform.version(),
    'python_full_version': platform.python_version(),
    'platform_python_implementation': platform.python_implementation(),
    'python_version': '.'.join(platform.python_version_tuple()[:2]),
    'sys_platform': sys.platform,
}

def header(text, key):
    prefix = key.lower() + ':'
    for line in text.splitlines():
        if not line.strip():
            break
        if line.lower().startswith(prefix):
            return line[len(prefix):].strip()
    return None

def scan():
    found = []
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        try:
            names = sorted(os.listdir(entry))
        except OSError:
            continue
        for name in names:
            for suffix, meta in (('.dist-info', 'METADATA'), ('.egg-info', 'PKG-INFO')):
                if not name.endswith(suffix):
                    continue
                path = os.path.join(entry, name)
                if os.path.isdir(path):
                    path = os.path.join(path, meta)
                try:
                    with open(path, 'rb') as handle:
                        text = handle.read().decode('utf-8', 'replace')
                except (IOError, OSError):
                    continue
                found.append([header(text, 'Name'), header(text, 'Version')])
    return found

def from_importlib(metadata):
    found = []
    for dist in metadata.distributions():
        text = dist.read_text('METADATA') or dist.read_text('PKG-INFO') or ''
        found.append([header(text, 'Name'), header(text, 'Version')])
    return found

try:
    from importlib import metadata
except ImportError:
    dists = scan()
else:
    dists = from_importlib(metadata)

sys.stdout.write(json.dumps({'doctor': 1, 'executable': sys.executable,
                             'markers': env, 'distributions': dists,
                             'path': [p for p in sys.path if isinstance(p, str)]}))
"""


# The distributions of a large environment print a few hundred KB at most.
MAX_OUTPUT_BYTES = 16 * bounded.MB


def run_bounded(
    argv: list[str], env: dict[str, str], timeout: float, limit: int
) -> subprocess.CompletedProcess[bytes]:
    """Run ``argv`` in its own process group; at most ``limit`` bytes of each stream.

    The answer is complete when the process exits: children it left behind (holding
    the pipes open) are killed with the group, never waited for. A timeout, or output
    past ``limit``, kills the group too; nothing is left running.
    """
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    chunks: dict[str, list[bytes]] = {"out": [], "err": []}
    over = threading.Event()

    def drain(name: str, stream: IO[bytes]) -> None:
        size = 0
        while chunk := stream.read(65536):
            size += len(chunk)
            if size > limit:
                over.set()
                return
            chunks[name].append(chunk)

    readers = [
        threading.Thread(target=drain, args=(n, s), daemon=True)
        for n, s in (("out", proc.stdout), ("err", proc.stderr))
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None and not over.is_set():
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(argv, timeout)
            time.sleep(0.01)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # and whatever it started
        proc.wait(timeout=5)
        for reader in readers:
            reader.join(timeout=5)
        proc.stdout.close()
        proc.stderr.close()
    if over.is_set():
        raise bounded.TooLarge(limit)
    return subprocess.CompletedProcess(
        argv, proc.returncode, b"".join(chunks["out"]), b"".join(chunks["err"])
    )


def _well_formed(data: object) -> TypeGuard[dict[str, Any]]:
    """The answer SCRIPT gives: anything else did not come from it."""
    if not isinstance(data, dict) or data.get("doctor") != 1:
        return False
    markers, dists = data.get("markers"), data.get("distributions")
    return (
        isinstance(markers, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in markers.items())
        and isinstance(dists, list)
        and all(
            isinstance(d, list) and len(d) == 2 and all(isinstance(x, str | None) for x in d)
            for d in dists
        )
    )


class InterpreterSource(EnvSource):
    """The installed distributions of the interpreter at ``python``."""

    complete = True

    def __init__(self, python: str | Path, *, timeout: float = 30.0) -> None:
        self.given = str(python)  # as the user wrote it, for messages
        # A path given is a path used: "./python3" (which pathlib shortens to "python3")
        # must not become the python3 on PATH. Absolute, not resolved: a venv's symlink
        # must stay the venv's.
        self.python = str(Path(python).absolute())
        self.timeout = timeout
        self._result: dict[str, Any] | None = None

    @property
    def description(self) -> str:
        return f"installed ({self.python})"

    def marker_env(self) -> MarkerEnv:
        markers = self._run()["markers"]
        return {str(k): str(v) for k, v in markers.items()}

    def search_path(self) -> list[str] | None:
        path = self._run().get("path")
        if isinstance(path, list) and all(isinstance(p, str) for p in path):
            return list(path)
        return None  # an older probe answer, or a lie: nothing to check

    def collect(self, env: MarkerEnv) -> Iterator[Record]:
        origin = f"installed ({self.python})"
        seen: set[str] = set()
        for name, version in self._run()["distributions"]:
            if not name:
                continue
            record: Record = (
                Package(name, version, origin)
                if version
                else UndecidedVersion(name, "installed metadata has no Version", origin)
            )
            if record.name not in seen:
                seen.add(record.name)
                yield record

    def _run(self) -> dict[str, Any]:
        if self._result is None:
            self._result = self._query()
        return self._result

    def _query(self) -> dict[str, Any]:
        where = f"--python {self.given}"
        if not Path(self.python).exists():
            raise EnvSourceError(f"{where}: no such file")
        if Path(self.python).is_dir():
            raise EnvSourceError(f"{where}: is a directory, not a Python interpreter")
        # PYTHONPATH and friends stay: they are part of how that interpreter runs.
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        try:
            done = run_bounded([self.python, "-c", SCRIPT], env, self.timeout, MAX_OUTPUT_BYTES)
        except subprocess.TimeoutExpired as exc:
            raise EnvSourceError(f"{where}: no answer within {self.timeout:g} s") from exc
        except bounded.TooLarge as exc:
            message = f"{where}: its output is {exc}; not a Python interpreter"
            raise EnvSourceError(message) from exc
        except OSError as exc:
            raise EnvSourceError(f"{where}: cannot run it: {exc.strerror or exc}") from exc
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise EnvSourceError(
                f"{where}: not a working Python interpreter "
                f"(exit status {done.returncode}: {tail[0][:200]})"
            )
        try:
            data = json.loads(done.stdout.decode("utf-8", "replace"))
        except ValueError:
            data = None
        if not _well_formed(data):
            raise EnvSourceError(f"{where}: not a Python interpreter (unexpected output)")
        return data

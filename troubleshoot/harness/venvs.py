"""Isolated, cached virtual environments holding one uvicorn release each (uv).

``<cache>/envs/uvicorn-<version>-py<minor>-<recipe>/`` is created once and
reused; a ``.doctor-ready`` file written last marks a complete install, and a
lock file serialises concurrent creators (two test workers, two shells).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from troubleshoot.config import envs_dir
from troubleshoot.errors import HarnessError
from troubleshoot.harness.interpreters import Interpreter
from troubleshoot.harness.recipes import Recipe
from troubleshoot.harness.tools import uv_executable

INSTALL_TIMEOUT = 600.0
HELP_TIMEOUT = 60.0
READY = ".doctor-ready"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _uv() -> str:
    exe = uv_executable()
    if exe is None:
        raise HarnessError("uv is not installed (needed to build uvicorn environments)")
    return exe


def _run(cmd: list[str], what: str) -> None:
    # Trust the system certificate store as pip does (machines behind a TLS-inspecting
    # proxy add their CA there); uv's own default is a bundled list. Both spellings,
    # for older and newer uv.
    env = {"UV_SYSTEM_CERTS": "1", "UV_NATIVE_TLS": "1", **os.environ}
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False, env=env
        )
    except subprocess.TimeoutExpired as exc:
        raise HarnessError(f"{what}: timed out after {INSTALL_TIMEOUT:.0f}s") from exc
    except OSError as exc:
        raise HarnessError(f"{what}: {exc}") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise HarnessError(f"{what} failed (exit {done.returncode}):\n{tail}")


def env_name(
    version: str, interpreter: Interpreter, recipe: Recipe, extras: Sequence[str] = ()
) -> str:
    """The cache folder name; extra requirements get their own env (a short hash)."""
    name = f"uvicorn-{version}-py{interpreter.minor}-{recipe.key()}"
    if extras:
        digest = hashlib.sha256("\n".join(sorted(extras)).encode()).hexdigest()[:10]
        name += f"-x{digest}"
    return name


def ensure_env(
    version: str, interpreter: Interpreter, recipe: Recipe, extras: Sequence[str] = ()
) -> Path:
    """Return the venv for ``uvicorn==version`` on ``interpreter``, building it once.

    ``extras`` (a scenario's ``EXTRAS``: Starlette, websockets, gunicorn, ...) are
    installed into the same env, resolved together with the release's own
    dependencies (after it, with dependencies, for ``--no-deps`` recipes).
    """
    name = env_name(version, interpreter, recipe, extras)
    env = envs_dir() / name
    with _locked(envs_dir() / f".{name}.lock"):
        if (env / READY).is_file():
            return env
        if env.exists():
            shutil.rmtree(env)  # a half-built env from an interrupted run
        uv = _uv()
        _run([uv, "venv", "-q", "-p", str(interpreter.path), str(env)], f"creating {name}")
        cmd = [uv, "pip", "install", "-q", "--python", str(env / "bin" / "python")]
        if recipe.no_deps:
            cmd.append("--no-deps")
        together = [] if recipe.no_deps else list(extras)
        try:
            _run(
                [*cmd, f"uvicorn=={version}", *recipe.pins, *together],
                f"installing uvicorn=={version}",
            )
            if extras and recipe.no_deps:
                cmd.remove("--no-deps")
                _run([*cmd, *extras], f"installing {' '.join(extras)} next to uvicorn=={version}")
        except HarnessError:
            shutil.rmtree(env, ignore_errors=True)
            raise
        meta = {
            "version": version,
            "python": interpreter.version,
            "recipe": recipe.key(),
            "extras": sorted(extras),
        }
        (env / "doctor-env.json").write_text(json.dumps(meta), encoding="utf-8")
        (env / READY).write_text("ok\n", encoding="utf-8")
    return env


def cli_choices(env: Path) -> str:
    """``uvicorn --help`` of the env, cached next to it (used to pick supported flags)."""
    cached = env / "doctor-help.txt"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    try:
        done = subprocess.run(
            [str(env / "bin" / "uvicorn"), "--help"],
            capture_output=True,
            text=True,
            timeout=HELP_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise HarnessError(f"cannot run uvicorn --help in {env.name}: {exc}") from exc
    if done.returncode != 0:
        raise HarnessError(f"uvicorn --help failed in {env.name}: {done.stderr.strip()[-400:]}")
    cached.write_text(done.stdout, encoding="utf-8")
    return done.stdout

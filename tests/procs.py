"""Running a command from a test: its own process group, always reaped."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path


def run_group(
    cmd: list[str], *, cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """(status, stdout and stderr together). The group is killed on timeout (an
    AssertionError naming the command) and when the command is done, so nothing it
    started in the background outlives the test."""
    with subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            raise AssertionError(
                f"{cmd[:3]} timed out after {timeout:.0f}s:\n{out[-4000:]}"
            ) from None
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # whatever it left running
    return proc.returncode, out

"""Running a command from a test: its own process group, always reaped.

Built on the harness's ``Proc`` (one process wrapper for the harness, the tests and
the corpus generators): the same job, started in its own session with the output in
a log file, waited on with a deadline and its group killed after.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from troubleshoot.harness.procs import Proc


def run_group(
    cmd: list[str], *, cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """(status, stdout and stderr together). The group is killed on timeout (an
    AssertionError naming the command) and when the command is done, so nothing it
    started in the background outlives the test."""
    with tempfile.TemporaryDirectory(prefix="run-group-") as logs:
        proc = Proc(
            Path(cmd[0]).name,
            cmd,
            cwd,
            dict(os.environ) if env is None else env,
            Path(logs) / "output.log",
        )
        try:
            status = proc.wait(timeout)
        finally:
            proc.kill()  # whatever it left running (all of it, on timeout)
        out = proc.output()
    if status is None:
        raise AssertionError(f"{cmd[:3]} timed out after {timeout:.0f}s:\n{out[-4000:]}")
    return status, out

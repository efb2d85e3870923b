"""Shared fixtures: a small KB written to a temporary folder, and CLI helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

ENTRY_A = """
id = "alpha-pickle"
title = "Alpha: pickle error with workers"
package = "uvicorn"
kind = "regression"
severity = "high"
tags = ["workers", "pickle"]
summary = "Alpha summary."
mechanism = "Alpha mechanism."
fixed_in = "0.10.6"
error = "AttributeError: Can't pickle local object 'make.<locals>.app'"

[conditions]
workers = true
app_object = true

[[affected]]
package = "uvicorn"
specifier = ">=0.10.1,<0.10.6"

[[signatures]]
id = "pickle-local"
kind = "exception"
exc_type = "AttributeError"
message = "Can't pickle local object"
weight = 0.9

[[signatures]]
id = "spawn-frame"
kind = "frame"
module = '^multiprocessing\\.'
function = "start"
weight = 0.3

[[fixes]]
type = "code-change"
unverified = "a test fixture: no repro scenario applies this fix here"
title = "Pass an import string"
body = "Use `uvicorn.run(\\"main:app\\", workers=2)`."
when_not = "Never wrong."

[[variants]]
versions = ">=0.10.4,<0.10.6"
summary = "These releases warn first, then crash anyway."

[upstream]
issues = [478, 484]
prs = [481]
"""

ENTRY_B = """
id = "beta-pickle-reload"
title = "Beta: pickle error with reload on Windows"
package = "uvicorn"
kind = "misuse"
severity = "medium"
tags = ["reload"]
summary = "Beta summary."
mechanism = "Beta mechanism."

[conditions]
reload = true
platform = "win32"

[[signatures]]
id = "pickle-local"
kind = "exception"
exc_type = "AttributeError"
message = "Can't pickle local object"
weight = 0.85

[[fixes]]
type = "config"
unverified = "a test fixture: no repro scenario applies this fix here"
title = "Drop --reload"
body = "Run without reload."

[upstream]
issues = [999]
"""

ENTRY_C = """
id = "gamma-log"
title = "Gamma: a log-only failure"
package = "uvicorn"
kind = "environment"
severity = "low"
summary = "Gamma summary with the word zebrafish."
mechanism = "Gamma mechanism."

[[signatures]]
id = "gamma-line"
kind = "log"
pattern = 'Gamma reloader (lost|dropped) its child'
weight = 0.8
required = true

[[fixes]]
type = "workaround"
unverified = "a test fixture: no repro scenario applies this fix here"
title = "Restart by hand"
body = "Restart the server."

[upstream]
issues = [1234]
"""


def write_kb(root: Path, entries: dict[str, str]) -> Path:
    kb = root / "kb"
    (kb / "entries").mkdir(parents=True)
    (kb / "evidence").mkdir()
    for name, text in entries.items():
        (kb / "entries" / f"{name}.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    return kb


@pytest.fixture
def mini_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A three-entry KB in tmp_path/kb, selected through DOCTOR_KB_DIR."""
    kb = write_kb(
        tmp_path, {"alpha-pickle": ENTRY_A, "beta-pickle-reload": ENTRY_B, "gamma-log": ENTRY_C}
    )
    monkeypatch.setenv("DOCTOR_KB_DIR", str(kb))
    monkeypatch.setenv("DOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    return kb


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Never write the user's real cache from tests."""
    if "DOCTOR_CACHE_DIR" not in os.environ:
        monkeypatch.setenv("DOCTOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield


def run_doctor(
    *args: str,
    stdin: bytes | str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real `doctor` entry point in a subprocess (as a user would)."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [sys.executable, "-m", "troubleshoot", *args],
        input=data,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
        if cwd
        else {**os.environ, **(env or {})},
        check=False,
        cwd=cwd,
    )
    return subprocess.CompletedProcess(
        proc.args,
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The project's own KB, compiled once for the session into a temporary DB."""
    from troubleshoot.config import Settings
    from troubleshoot.kbstore import Store

    settings = Settings.resolve(REPO / "kb", tmp_path_factory.mktemp("db") / "kb.db")
    return Store.open(settings)

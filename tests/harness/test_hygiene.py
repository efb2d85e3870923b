"""The harness reaps what it starts, and says why it cannot run something."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from troubleshoot.harness import servers
from troubleshoot.harness.procs import group_members
from troubleshoot.harness.recipes import Recipe
from troubleshoot.harness.runner import load_repro, run_repro
from troubleshoot.harness.servers import ServerSpec

APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
"""

STUBBORN = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"
subprocess.Popen([sys.executable, "-c", code])
print("ready", flush=True)
time.sleep(120)
"""

SCENARIO = """
import signal
from pathlib import Path

from troubleshoot.harness.api import Run, fixed, harness_error, scenario

RECORD = Path(__file__).parent / "pgids.txt"


@scenario("killed-parent")
def killed_parent(run: Run):
    server = run.launch_cli("app:app", "--reload", timeout=20)
    if not server.serves():
        return harness_error("never served: " + server.text)
    stubborn = run.launch_script("stubborn.py", name="stubborn", wait=False)
    if stubborn.wait_for("ready", 10) is None:
        return harness_error("stubborn never started")
    RECORD.write_text(f"{server.proc.pgid} {stubborn.proc.pgid}")
    workers = server.workers()
    server.proc.signal(signal.SIGKILL)  # the reload parent dies mid-run, its worker is orphaned
    return fixed("killed", f"parent killed with workers {workers} running")
"""


@pytest.fixture
def hygiene_repro(tmp_path: Path) -> Path:
    folder = tmp_path / "fixes" / "hygiene"
    folder.mkdir(parents=True)
    for name, text in (("app.py", APP), ("stubborn.py", STUBBORN), ("scenario.py", SCENARIO)):
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def test_killed_reload_parent_and_stubborn_children_are_reaped(hygiene_repro: Path) -> None:
    repro = load_repro(hygiene_repro.parent, "hygiene")
    [result] = run_repro(repro, ServerSpec("reference"))
    assert result.verdict.outcome == "fixed", result.verdict
    server_group, stubborn_group = map(int, (hygiene_repro / "pgids.txt").read_text().split())
    assert group_members(server_group) == []
    assert group_members(stubborn_group) == []


def test_run_folder_is_removed_unless_kept(hygiene_repro: Path) -> None:
    repro = load_repro(hygiene_repro.parent, "hygiene")
    [kept] = run_repro(repro, ServerSpec("reference"), keep=True)
    assert kept.kept is not None and (kept.kept / "app.py").is_file()
    assert (kept.kept / "doctor_sut.py").is_file()
    [gone] = run_repro(repro, ServerSpec("reference"))
    assert gone.kept is None


def test_missing_interpreter_is_not_applicable_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(servers, "recipe_for", lambda _version: Recipe("<1", ("2.1",)))
    from tests.harness.conftest import FIXES

    repro = load_repro(FIXES, "ssl-with-reload-crash")
    results = run_repro(repro, ServerSpec("uvicorn", "0.7.2"))
    for result in results:
        assert result.verdict.outcome == "not-applicable"
        assert result.verdict.reason.startswith(
            "no Python 2.1 interpreter found for uvicorn 0.7.2; tried: pyenv versions:"
        )


def test_release_outside_the_scenario_range_is_not_applicable() -> None:
    from tests.harness.conftest import FIXES

    repro = load_repro(FIXES, "ssl-with-reload-crash")
    [result] = run_repro(repro, ServerSpec("uvicorn", "0.4.6"), only="ssl-reload")
    assert result.verdict.outcome == "not-applicable"
    assert "0.4.6" in result.verdict.reason

"""Stacked ``@scenario`` marks: one function, several scenarios, each with its own
arguments, ``requires`` and ``extras``, run in the order written; ``@pinned``
scenarios judge only when the pinned release is the one imported."""

from __future__ import annotations

import textwrap
from importlib.metadata import version
from pathlib import Path

import pytest

from troubleshoot.errors import HarnessError
from troubleshoot.harness.runner import load_repro, run_repro
from troubleshoot.harness.servers import ServerSpec

FAMILY = """
from importlib.metadata import version

from troubleshoot.harness.api import HTTPTOOLS_IS_UVICORNS as HTTPTOOLS_ONLY
from troubleshoot.harness.api import Run, Verdict, fixed, per_http, pinned, scenario

EXTRAS = {"": ["module-default"]}


@scenario("first", "a")
@scenario("second", "b", flag=True, extras={})
@scenario("third", "c", requires=HTTPTOOLS_ONLY)
def _judge(run: Run, letter: str, *, flag: bool = False) -> Verdict:
    return fixed(f"{letter}-{flag}", "echo")


@scenario("plain")
def plain(run: Run) -> Verdict:
    return _judge(run, "p")


@per_http({"": ["httptools"]}, "x")
def _served(run: Run, letter: str, http: str = "none") -> Verdict:
    return fixed(f"{letter}-{http}", "echo")


@pinned("packaging", (version("packaging"), "0.0.1"))
def _pinned(run: Run) -> Verdict:
    return fixed("pin-took", run.version("packaging"))
"""


def _repro(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "fixes" / "family"
    folder.mkdir(parents=True)
    (folder / "scenario.py").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder.parent


def test_stacked_marks_are_scenarios_in_order_with_their_own_options(tmp_path: Path) -> None:
    repro = load_repro(_repro(tmp_path, FAMILY), "family")
    names = [s.name for s in repro.scenarios]
    pins = [f"packaging-{version('packaging')}", "packaging-0.0.1"]
    assert names == ["first", "second", "third", "plain", "h11", "httptools", *pins]
    by_name = {s.name: s for s in repro.scenarios}
    assert by_name["second"].extras == {}
    assert by_name["first"].extras is None  # the module's EXTRAS
    assert by_name["httptools"].extras == {"": ["httptools"]}
    assert by_name["packaging-0.0.1"].extras == {"": ["packaging==0.0.1"]}
    reference = ServerSpec("reference")
    declined = {s.name: s.requires(reference) for s in repro.scenarios if s.requires}
    assert set(declined) == {"third", "httptools"} and all(declined.values())


def test_each_mark_passes_its_arguments(tmp_path: Path) -> None:
    repro = load_repro(_repro(tmp_path, FAMILY), "family")
    results = {r.scenario: r.verdict for r in run_repro(repro, ServerSpec("reference"))}
    kinds = {name: v.kind for name, v in results.items() if v.outcome == "fixed"}
    took = f"packaging-{version('packaging')}"
    want = {"first": "a-False", "second": "b-True", "plain": "p-False", "h11": "x-h11"}
    assert kinds == {**want, took: "pin-took"}
    # the reference server runs on the doctor's interpreter: the 0.0.1 pin cannot take
    unpinned = results["packaging-0.0.1"]
    assert (unpinned.outcome, unpinned.kind) == ("reproduces", "wrong-packaging")
    assert results["third"].outcome == results["httptools"].outcome == "not-applicable"


def test_two_scenarios_of_one_name_are_refused(tmp_path: Path) -> None:
    again = '\n\n@scenario("first")\ndef again(run: Run) -> Verdict:\n    return plain(run)\n'
    text = FAMILY + again
    with pytest.raises(HarnessError, match="more than one scenario named first"):
        load_repro(_repro(tmp_path, text), "family")

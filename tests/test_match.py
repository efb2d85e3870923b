"""The matcher: anchors, required signatures, version-aware skipping, separators."""

from __future__ import annotations

from pathlib import Path

from troubleshoot.config import Settings
from troubleshoot.kbstore import Store
from troubleshoot.match import keep_answered, match
from troubleshoot.parse.model import ExceptionRecord, Frame, LogEvent, Parsed
from troubleshoot.sigkeys import regex_keys


def _parsed(
    *excs: ExceptionRecord, logs: tuple[LogEvent, ...] = (), versions: dict[str, str] | None = None
) -> Parsed:
    text = "\n".join([f"{e.type}: {e.message}" for e in excs] + [event.message for event in logs])
    for e in excs:
        text += "\n" + "\n".join(f.module or f.file for f in e.frames)
    return Parsed(
        exceptions=excs,
        log_events=logs,
        versions=versions or {},
        text=text,
        line_count=text.count("\n") + 1,
    )


PICKLE = ExceptionRecord(
    "AttributeError",
    "Can't pickle local object 'make.<locals>.app'",
    frames=(
        Frame(
            "/usr/lib/python3.8/multiprocessing/process.py", 121, "start", "multiprocessing.process"
        ),
    ),
    line_no=7,
)


def test_exception_signature_matches_with_reasons(mini_kb: Path) -> None:
    result = match(_parsed(PICKLE, versions={"uvicorn": "0.10.3"}), Store.open(Settings.resolve()))
    top = result.matches[0]
    assert top.entry.id == "alpha-pickle"
    assert top.score == round(1 - 0.1 * 0.7, 4)
    assert top.verdict.status == "affected" and top.version_source == "paste"
    assert any("line 7" in why for why in top.why())


def test_frames_alone_never_match(mini_kb: Path) -> None:
    """An app error whose stack passes through the same frames is not the known failure."""
    other = ExceptionRecord("KeyError", "'user_id'", frames=PICKLE.frames, line_no=3)
    assert match(_parsed(other), Store.open(Settings.resolve())).matches == ()


def test_required_signature_missing_excludes_entry(mini_kb: Path) -> None:
    log = LogEvent("Gamma reloader is fine", 1, "INFO")
    assert match(_parsed(logs=(log,)), Store.open(Settings.resolve())).matches == ()
    hit = LogEvent("Gamma reloader lost its child", 4, "ERROR")
    result = match(_parsed(logs=(hit,)), Store.open(Settings.resolve()))
    assert [m.entry.id for m in result.matches] == ["gamma-log"]


def test_version_variant_and_fixed_verdict(mini_kb: Path) -> None:
    store = Store.open(Settings.resolve())
    warned = match(_parsed(PICKLE, versions={"uvicorn": "0.10.4"}), store).matches[0]
    assert warned.variant is not None and "warn first" in warned.variant.summary
    fixed = match(_parsed(PICKLE, versions={"uvicorn": "0.11.0"}), store).matches[0]
    assert fixed.verdict.status == "fixed"
    unknown = match(_parsed(PICKLE), store).matches[0]
    assert unknown.verdict.status == "unknown"
    from_env = match(_parsed(PICKLE), store, env_versions={"uvicorn": "0.10.2"}).matches[0]
    assert from_env.verdict.status == "affected" and from_env.version_source == "environment"


def test_close_candidates_get_separating_questions(mini_kb: Path) -> None:
    result = match(_parsed(PICKLE), Store.open(Settings.resolve()))
    assert {m.entry.id for m in result.matches} == {"alpha-pickle", "beta-pickle-reload"}
    conditions = {s.condition for s in result.separators}
    assert {"reload", "workers", "platform"} <= conditions
    assert [m.entry.id for m in keep_answered(result, {"platform": "linux"})] == ["alpha-pickle"]
    assert [m.entry.id for m in keep_answered(result, {"workers": False})] == ["beta-pickle-reload"]
    # An entry that does not care about a condition is not ruled out by it.
    assert len(keep_answered(result, {"reload": True})) == 2


def test_min_score_abstains(mini_kb: Path) -> None:
    """Under min_score no match is claimed; a candidate still above LIKELY_SCORE is
    offered as likely, with the one fact that would confirm it."""
    result = match(_parsed(PICKLE), Store.open(Settings.resolve()), min_score=0.99)
    assert result.matches == ()
    likely = {m.entry.id: m for m in result.likely}
    assert likely["alpha-pickle"].score < 0.99
    assert likely["alpha-pickle"].tier == "likely"
    assert likely["alpha-pickle"].confirm


def test_regex_keys_are_words_every_match_contains() -> None:
    assert regex_keys(r"(can't|cannot) pickle '?SSLContext'? objects?") == {"pickle"}
    assert regex_keys(r"^(TypeError|AttributeError)$", whole=True) == {
        "typeerror",
        "attributeerror",
    }
    assert regex_keys(r"SSLCont\w+") is None  # a partial word is no key
    assert regex_keys(r".*") is None


def test_known_platform_is_not_a_question(mini_kb: Path) -> None:
    parsed = _parsed(PICKLE)
    windows = Parsed(
        parsed.exceptions, parsed.log_events, {}, None, "win32", parsed.text, parsed.line_count
    )
    result = match(windows, Store.open(Settings.resolve()))
    assert "platform" not in {s.condition for s in result.separators}
    assert "platform" in {
        s.condition for s in match(parsed, Store.open(Settings.resolve())).separators
    }


def _with(parsed: Parsed, **changes: object) -> Parsed:
    from dataclasses import replace

    return replace(parsed, **changes)  # type: ignore[arg-type]


def test_a_fact_the_paste_shows_ranks_the_entry_that_needs_it_first(mini_kb: Path) -> None:
    store = Store.open(Settings.resolve())
    plain = match(_parsed(PICKLE), store)
    assert [m.entry.id for m in plain.matches] == ["alpha-pickle", "beta-pickle-reload"]
    # beta needs platform = win32: a Windows paste confirms it, and it comes first
    # although its signatures weigh less.
    windows = match(_with(_parsed(PICKLE), platform="win32"), store)
    first, second = windows.matches
    assert (first.entry.id, second.entry.id) == ("beta-pickle-reload", "alpha-pickle")
    assert first.confirmed == ("platform = win32",)
    assert first.score == round(1 - (1 - 0.85) * 0.4, 4)
    assert any("the paste shows platform = win32" in line for line in first.why())
    assert second.confirmed == ()


def test_a_fact_does_not_lift_a_weak_match_over_the_threshold(mini_kb: Path) -> None:
    store = Store.open(Settings.resolve())
    result = match(_with(_parsed(PICKLE), platform="win32"), store, min_score=0.9)
    assert [m.entry.id for m in result.matches] == ["alpha-pickle"]
    assert [(m.entry.id, m.score) for m in result.likely] == [("beta-pickle-reload", 0.85)]


def test_unknown_version_separates_entries_with_different_ranges(mini_kb: Path) -> None:
    store = Store.open(Settings.resolve())
    result = match(_parsed(PICKLE), store)
    by_version = {s.condition: s for s in result.separators}["version"]
    assert by_version.values == {
        "alpha-pickle": ">=0.10.1,<0.10.6",
        "beta-pickle-reload": "any release",
    }
    assert [m.entry.id for m in keep_answered(result, {"version": "0.11.0"})] == [
        "beta-pickle-reload"
    ]
    assert len(keep_answered(result, {"version": "0.10.3"})) == 2
    # A version in the paste is not asked.
    known = match(_parsed(PICKLE, versions={"uvicorn": "0.10.3"}), store)
    assert "version" not in {s.condition for s in known.separators}


def test_literal_clauses_cover_lookarounds_and_alternations() -> None:
    from troubleshoot.sigkeys import literal_sets

    pattern = r"\A(?=[\s\S]*?(?:NotImplementedError|too many fds))[\s\S]*?(?:[Uu]vicorn|Started)"
    assert literal_sets(pattern) == (
        (("NotImplementedError", "too many fds"), ("Started", "vicorn")),
    )
    assert literal_sets(r"foo(?:bar)?baz") == ((("baz",), ("foo",)),)  # optional: not needed
    assert literal_sets(r"(?!NotImpl)abc") == ((("abc",),),)  # a negative look-ahead: not needed
    assert literal_sets(r"x(?:alpha|b)y") == ()  # one branch without a literal: no clause


def test_literal_prefilter_never_skips_a_text_its_regex_matches() -> None:
    """Over every text signature of the KB and every paste of the corpus."""
    from tests.corpus_util import CORPUS
    from troubleshoot import rx
    from troubleshoot.fire import may_match
    from troubleshoot.kbload import load_kb
    from troubleshoot.parse import parse_paste
    from troubleshoot.pasteview import PasteView

    kb = load_kb(Settings.resolve())
    views = [
        PasteView.of(parse_paste(p.read_text(encoding="utf-8", errors="replace")))
        for p in sorted(CORPUS.rglob("*.txt"))
    ]
    checked = 0
    for entry in kb.entries:
        for sig in entry.signatures:
            if sig.kind != "text" or not sig.pattern:
                continue
            compiled = rx.compile(sig.pattern, multiline=True)
            for view in views:
                if compiled.search(view.parsed.text):
                    checked += 1
                    assert may_match(sig.pattern, view), sig.id
    assert checked > 100

"""`doctor` with no command on a terminal: paste, see candidates, answer what separates them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from troubleshoot.cli._common import console, settings
from troubleshoot.cli.app import app

if TYPE_CHECKING:
    from troubleshoot.match import MatchResult


@app.callback()
def root(
    ctx: typer.Context,
    kb_dir: Annotated[
        Path | None,
        typer.Option(
            "--kb-dir",
            envvar="DOCTOR_KB_DIR",
            help="Use the KB sources in this folder.",
            file_okay=False,
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    """Diagnose uvicorn failures. With no command on a terminal, start a guided session."""
    if version:
        from troubleshoot import __version__

        sys.stdout.write(f"uvicorn-doctor {__version__}\n")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is not None:
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        sys.stdout.write(ctx.get_help() + "\n")
        raise typer.Exit(0)
    raise typer.Exit(guided(ctx))


def guided(ctx: typer.Context) -> int:
    """The interactive session; returns the exit status (0 match, 1 none)."""
    from dataclasses import replace

    from troubleshoot.conditions import CONDITION_CHOICES
    from troubleshoot.diagnose import diagnose, read_paste
    from troubleshoot.kbstore import Store
    from troubleshoot.match import VERSION_QUESTION, keep_answered, paste_facts
    from troubleshoot.render import match_text
    from troubleshoot.render.pager import output

    out = console()
    out.print(
        "[bold]uvicorn-doctor[/bold]: paste what your terminal showed "
        "(traceback, log lines), then press [bold]Ctrl-D[/bold] on an empty line."
    )
    text = read_paste(sys.stdin.buffer, "paste")
    store = Store.open(settings(ctx))
    try:
        result = diagnose(text, store)
    finally:
        store.close()
    if not result.matches:
        result = _confirm_likely(result)
    if not result.matches:
        doc = match_text.build(result, out, guided=True, paste=text)
        output(lambda _console: doc.print(), out)
        return 1
    # What the paste already shows (its platform, --reload in a command, a
    # "WatchFiles detected changes" line) is not asked.
    answers: dict[str, bool | str] = paste_facts(result.parsed)
    matches = keep_answered(result, answers) or result.matches
    asked_version = False
    separators = [s for s in result.separators if s.condition not in answers]
    if len(matches) > 1 and separators:
        ids = ", ".join(m.entry.id for m in matches)
        out.print(
            f"\nSeveral known failures fit: {ids}. A few questions will tell them apart "
            "(Enter if you don't know).",
            markup=False,
            highlight=False,
        )
        for sep in separators:
            if len(matches) < 2:
                break
            answer: bool | str | None
            if sep.condition == "version":
                asked_version = True
                answer = _ask_version(sep.question)
                if answer is not None:
                    result = _judged(result, answer)
            elif sep.condition in CONDITION_CHOICES:
                answer = _ask_choice(sep.question, CONDITION_CHOICES[sep.condition])
            else:
                answer = _ask_yes_no(sep.question)
            if answer is None:  # "don't know": that question tells nothing
                continue
            answers[sep.condition] = answer
            matches = keep_answered(result, answers) or matches[:1]
    # The version, whenever a verdict still depends on it: also with one candidate
    # left, and after a separating answer.
    if not asked_version and any(_needs_version(m) for m in matches):
        given = _ask_version(VERSION_QUESTION)
        if given is not None:
            result = _judged(result, given)
    by_id = {m.entry.id: m for m in result.matches}
    matches = tuple(by_id.get(m.entry.id, m) for m in matches)
    final = replace(result, matches=matches, separators=())
    doc = match_text.build(final, out, guided=True, paste=text)
    output(lambda _console: doc.print(), out)
    return 0


def _needs_version(m: object) -> bool:
    """No version is known and the entry's verdict depends on one."""
    from troubleshoot.match import Match

    assert isinstance(m, Match)
    return m.verdict.version is None and m.verdict.status == "unknown" and bool(m.entry.affected)


def _judged(result: MatchResult, version: str) -> MatchResult:
    """Every candidate judged for the version the user gave."""
    from dataclasses import replace

    from troubleshoot.diagnose import MarkerEnvironment
    from troubleshoot.match import with_version

    marker_env = MarkerEnvironment(result.parsed)
    return replace(
        result, matches=tuple(with_version(m, version, marker_env) for m in result.matches)
    )


def _confirm_likely(result: MatchResult) -> MatchResult:
    """Ask, for each likely candidate in turn, the one fact that would confirm it."""
    from dataclasses import replace

    from troubleshoot.match import confirmed
    from troubleshoot.render.match_text import title_for

    for m in result.likely:
        if m.confirm_question is None:
            continue
        question, expected = m.confirm_question
        title = title_for(m.entry.title, result.parsed.text)
        typer.echo(f"\nThis looks like {m.entry.id}: {title}")
        if _ask_yes_no(question) == expected:
            rest = tuple(other for other in result.likely if other is not m)
            return replace(result, matches=(confirmed(m),), likely=rest)
    return result


# What "I don't know" looks like: each skips the question.
DONT_KNOW = frozenset(
    {
        "",
        "?",
        "??",
        "-",
        "dunno",
        "don't know",
        "dont know",
        "do not know",
        "i don't know",
        "i dont know",
        "idk",
        "not sure",
        "unsure",
        "no idea",
        "unknown",
        "skip",
        "pass",
    }
)


def _dont_know(answer: str) -> bool:
    return " ".join(answer.replace("\u2019", "'").lower().split()).rstrip(".!") in DONT_KNOW


def _prompt(question: str, hint: str) -> str:
    return str(typer.prompt(f"{question} [{hint}]", default="", show_default=False)).strip()


def _ask_yes_no(question: str) -> bool | None:
    """True, False, or None when the user does not know."""
    while True:
        answer = _prompt(question, "y/n, Enter: don't know")
        if _dont_know(answer):
            return None
        word = answer.lower()
        if word in ("y", "yes", "true", "1"):
            return True
        if word in ("n", "no", "false", "0"):
            return False
        typer.echo("Please answer y or n (Enter, ? or \"don't know\" if you don't know).")


def _ask_version(question: str) -> str | None:
    """A release number, or None when the user does not know."""
    from packaging.version import InvalidVersion, Version

    while True:
        answer = _prompt(question, "Enter: don't know")
        if _dont_know(answer):
            return None
        try:
            Version(answer)
        except InvalidVersion:
            pass
        else:
            return answer
        typer.echo(
            f"{answer!r} is not a version number (like 0.18.1); press Enter if you don't know."
        )


def _ask_choice(question: str, choices: tuple[str, ...]) -> str | None:
    while True:
        answer = _prompt(question, f"{'/'.join(choices)}, Enter: don't know")
        if _dont_know(answer):
            return None
        if answer.lower() in choices:
            return answer.lower()
        typer.echo(
            f"Please answer {', '.join(choices[:-1])} or {choices[-1]} (Enter if you don't know)."
        )

"""`doctor` with no command on a terminal: paste, see candidates, answer what separates them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from troubleshoot.cli import app
from troubleshoot.cli._common import console, settings

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

    from troubleshoot.diagnose import MarkerEnvironment, diagnose, read_paste
    from troubleshoot.kbstore import Store
    from troubleshoot.match import narrow, with_version
    from troubleshoot.render import match_text
    from troubleshoot.schema import CONDITION_CHOICES

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
        match_text.render(result, out)
        return 1
    matches = result.matches
    if result.separators:
        ids = ", ".join(m.entry.id for m in matches)
        out.print(f"\nSeveral known failures fit: {ids}. A few questions will tell them apart.")
        # What the paste already tells is not asked.
        answers: dict[str, bool | str] = dict(result.parsed.facts)
        if answers:
            matches = narrow(result, answers) or matches
        for sep in result.separators:
            if len(matches) < 2:
                break
            if sep.condition in answers:
                continue
            if sep.condition == "version":
                given = _ask_version(sep.question)
                if given is None:
                    continue
                answers["version"] = given
                # from now on every candidate is judged for the version given
                marker_env = MarkerEnvironment(result.parsed)
                judged = tuple(with_version(m, given, marker_env) for m in result.matches)
                result = replace(result, matches=judged)
            elif sep.condition in CONDITION_CHOICES:
                answers[sep.condition] = _ask_choice(sep.question, CONDITION_CHOICES[sep.condition])
            else:
                answers[sep.condition] = typer.confirm(sep.question, default=None)
            matches = narrow(result, answers) or matches[:1]
    match_text.render(replace(result, matches=matches, separators=()), out)
    return 0


def _confirm_likely(result: MatchResult) -> MatchResult:
    """Ask, for each likely candidate in turn, the one fact that would confirm it."""
    from dataclasses import replace

    from troubleshoot.match import confirmed

    for m in result.likely:
        if m.confirm_question is None:
            continue
        question, expected = m.confirm_question
        typer.echo(f"\nThis looks like {m.entry.id}: {m.entry.title}")
        if typer.confirm(question, default=None) == expected:
            rest = tuple(other for other in result.likely if other is not m)
            return replace(result, matches=(confirmed(m),), likely=rest)
    return result


def _ask_version(question: str) -> str | None:
    """A release number, or None when the user does not know (an empty answer)."""
    from packaging.version import InvalidVersion, Version

    while True:
        answer = str(
            typer.prompt(f"{question} [empty: not known]", default="", show_default=False)
        ).strip()
        if not answer:
            return None
        try:
            Version(answer)
        except InvalidVersion:
            pass
        else:
            return answer
        typer.echo(f"{answer!r} is not a version number (like 0.18.1); leave it empty if unsure.")


def _ask_choice(question: str, choices: tuple[str, ...]) -> str:
    while True:
        answer = str(typer.prompt(f"{question} [{'/'.join(choices)}]")).strip().lower()
        if answer in choices:
            return answer
        typer.echo(f"Please answer {', '.join(choices[:-1])} or {choices[-1]}.")

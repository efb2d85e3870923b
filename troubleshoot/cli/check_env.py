"""`doctor check-env`: check an environment's package versions against the KB."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from troubleshoot.cli._report import (
    ConfigOpt,
    FailOnOpt,
    FormatOpt,
    IgnoreOpt,
    OutputOpt,
    emit,
    judged_by,
)
from troubleshoot.cli.app import app
from troubleshoot.errors import InputError

if TYPE_CHECKING:
    from troubleshoot.reach import Project
    from troubleshoot.sources import EnvSource

_PYTHON_VERSION = re.compile(r"^3\.\d+(\.\d+)?$|^2\.7(\.\d+)?$")


@app.command("check-env")
def check_env(
    ctx: typer.Context,
    *,
    python: Annotated[
        Path | None,
        typer.Option(
            "--python",
            metavar="PATH",
            help="Check the distributions installed for this interpreter (its markers become "
            "the target's).",
        ),
    ] = None,
    requirement: Annotated[
        list[str] | None,
        typer.Option(
            "--requirement",
            "-r",
            metavar="FILE",
            help="A requirements file or `pip freeze` output ('-' reads stdin). Repeatable.",
        ),
    ] = None,
    lock: Annotated[
        list[Path] | None,
        typer.Option(
            "--lock", metavar="FILE", help="uv.lock, poetry.lock or pylock.toml. Repeatable."
        ),
    ] = None,
    platform: Annotated[
        Literal["linux", "darwin", "win32"] | None,
        typer.Option(
            "--platform",
            help="Evaluate markers for this platform instead of the target's own.",
        ),
    ] = None,
    python_version: Annotated[
        str | None,
        typer.Option(
            "--python-version",
            metavar="X.Y[.Z]",
            help="Evaluate markers for this Python (3.12, 3.8.10).",
        ),
    ] = None,
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            metavar="DIR",
            help="Read how this project starts uvicorn (launch commands, as doctor scan "
            "does) to tell reached findings from unreached ones [default: .].",
            show_default=False,
        ),
    ] = None,
    no_project: Annotated[
        bool,
        typer.Option("--no-project", help="Read no launch commands: every condition is possible."),
    ] = False,
    show_unreached: Annotated[
        bool,
        typer.Option(
            "--show-unreached", help="List each affected entry the project does not reach."
        ),
    ] = False,
    output_format: FormatOpt = "text",
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Report the known-broken versions the project really reaches.

    Sources: --python, -r, --lock (combinable); none given: the running
    interpreter when uvicorn is installed there, else the requirement and lock
    files in the current folder. Exit status: 0 clean, 1 a finding at or above
    --fail-on, 2 bad input, 4 no uvicorn version seen (nothing was checked).
    """
    from troubleshoot.checkenv import check
    from troubleshoot.sources import snapshot, target_env

    if python_version is not None and not _PYTHON_VERSION.match(python_version):
        raise InputError(f"--python-version {python_version!r}: expected X.Y or X.Y.Z, as 3.12")
    if project is not None and no_project:
        raise InputError("--project and --no-project exclude each other")
    entries, policy = judged_by(ctx, config, ignore, fail_on)
    sources = _sources(python, requirement or [], lock or [])
    base = next((m for s in sources if (m := s.marker_env()) is not None), None)
    env = target_env(base, platform=platform, python_version=python_version)
    snap = snapshot(sources, env)
    facts = None if no_project else _project(project or Path())
    report = check(entries, snap, project=facts, **policy)
    emit(report, output_format, output, detail=show_unreached)


def _sources(python: Path | None, requirements: list[str], locks: list[Path]) -> list[EnvSource]:
    from troubleshoot.sources.discover import default_sources
    from troubleshoot.sources.interpreter import InterpreterSource
    from troubleshoot.sources.locks import lock_source
    from troubleshoot.sources.requirements import RequirementsSource

    sources: list[EnvSource] = []
    if python is not None:
        sources.append(InterpreterSource(python))
    sources += [RequirementsSource(r) for r in requirements]
    sources += [lock_source(path) for path in locks]
    return sources or default_sources(Path())


def _project(folder: Path) -> Project:
    """How the project folder starts uvicorn (the service adds what the snapshot tells)."""
    from troubleshoot.reach import Project
    from troubleshoot.scan.files import read_all
    from troubleshoot.sources.discover import manifest_location

    if not folder.is_dir():
        raise InputError(f"--project {folder}: not a folder")
    read = read_all([folder])
    launches = tuple(launch for facts in read.facts for launch in facts.launches)
    return Project(launches=launches, read=(str(folder),), manifest=manifest_location(folder))

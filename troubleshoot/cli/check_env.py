"""`doctor check-env`: check an environment's package versions against the KB."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from troubleshoot.cli import app
from troubleshoot.cli._common import settings
from troubleshoot.cli._report import (
    ConfigOpt,
    FailOnOpt,
    FormatOpt,
    IgnoreOpt,
    OutputOpt,
    emit,
    tool_config,
)
from troubleshoot.errors import InputError

if TYPE_CHECKING:
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
    output_format: FormatOpt = "text",
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Report KB entries that the environment's package versions hit.

    Sources: the running interpreter (default), --python, -r, --lock (combinable).
    Exit status: 0 clean, 1 a finding at or above --fail-on, 2 bad input.
    """
    from troubleshoot.checkenv import (
        DEFAULT_FAIL_ON,
        check,
        parse_ignore_option,
    )
    from troubleshoot.kbstore import Store
    from troubleshoot.sources import snapshot, target_env

    if python_version is not None and not _PYTHON_VERSION.match(python_version):
        raise InputError(f"--python-version {python_version!r}: expected X.Y or X.Y.Z, as 3.12")
    tool = tool_config(config)
    ignores = [*tool.ignores, *(parse_ignore_option(v) for v in ignore or [])]
    threshold = fail_on or tool.fail_on or DEFAULT_FAIL_ON
    sources = _sources(python, requirement or [], lock or [])
    base = next((m for s in sources if (m := s.marker_env()) is not None), None)
    env = target_env(base, platform=platform, python_version=python_version)
    snap = snapshot(sources, env)
    store = Store.open(settings(ctx))
    try:
        entries = store.entries()
    finally:
        store.close()
    report = check(entries, snap, ignores=ignores, fail_on=threshold, today=date.today())
    emit(report, output_format, output)


def _sources(python: Path | None, requirements: list[str], locks: list[Path]) -> list[EnvSource]:
    from troubleshoot.sources.installed import InstalledSource
    from troubleshoot.sources.interpreter import InterpreterSource
    from troubleshoot.sources.lockfile import lock_source
    from troubleshoot.sources.requirements import RequirementsSource

    sources: list[EnvSource] = []
    if python is not None:
        sources.append(InterpreterSource(python))
    sources += [RequirementsSource(r) for r in requirements]
    sources += [lock_source(path) for path in locks]
    return sources or [InstalledSource()]

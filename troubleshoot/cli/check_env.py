"""`doctor check-env`: check an environment's package versions against the KB."""

from __future__ import annotations

import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from troubleshoot.cli import app
from troubleshoot.cli._common import settings
from troubleshoot.errors import InputError
from troubleshoot.formats import FormatName
from troubleshoot.vocab import Severity

if TYPE_CHECKING:
    from troubleshoot.checkenv import ToolConfig
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
    output_format: Annotated[FormatName, typer.Option("--format", help="Output format.")] = "text",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report here, not stdout."),
    ] = None,
    fail_on: Annotated[
        Severity | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a finding has this severity or higher "
            "[default: tool.doctor.fail-on, else medium].",
            show_default=False,
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            metavar="ID=REASON",
            help="Accept a finding: 'ENTRY-ID=reason' (reason required). Repeatable.",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="pyproject.toml with [tool.doctor] (ignores, fail-on) "
            "[default: ./pyproject.toml if present].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Report KB entries that the environment's package versions hit.

    Sources: the running interpreter (default), --python, -r, --lock (combinable).
    Exit status: 0 clean, 1 a finding at or above --fail-on, 2 bad input.
    """
    from troubleshoot.checkenv import (
        DEFAULT_FAIL_ON,
        check,
        exit_code,
        parse_ignore_option,
    )
    from troubleshoot.formats import get_format
    from troubleshoot.kbstore import Store
    from troubleshoot.sources import snapshot, target_env

    if python_version is not None and not _PYTHON_VERSION.match(python_version):
        raise InputError(f"--python-version {python_version!r}: expected X.Y or X.Y.Z, as 3.12")
    tool = _tool_config(config)
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
    for ig in report.expired_ignores:
        when = ig.expires.isoformat() if ig.expires else "?"
        sys.stderr.write(
            f"doctor: warning: the ignore for {ig.entry_id} ({ig.origin}) expired on {when}; "
            "it no longer applies\n"
        )
    to_terminal = output is None and sys.stdout.isatty()
    color = to_terminal and "NO_COLOR" not in os.environ
    width = os.get_terminal_size().columns if to_terminal else None
    text = get_format(output_format, color=color, width=width).render(report)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"--output {output}: cannot write: {exc.strerror or exc}") from exc
    raise typer.Exit(exit_code(report))


def _tool_config(config: Path | None) -> ToolConfig:
    from troubleshoot.checkenv import ToolConfig, load_tool_config

    if config is not None:
        if not config.is_file():
            raise InputError(f"--config {config}: no such file")
        return load_tool_config(config)
    default = Path("pyproject.toml")
    return load_tool_config(default) if default.is_file() else ToolConfig()


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

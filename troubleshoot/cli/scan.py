"""`doctor scan`: find launch configurations in code that trigger KB entries."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from troubleshoot.cli import app
from troubleshoot.cli._common import settings
from troubleshoot.errors import InputError
from troubleshoot.formats import FormatName
from troubleshoot.vocab import Severity


@app.command("scan")
def scan(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Files or folders to scan [default: the current folder].",
            show_default=False,
        ),
    ] = None,
    *,
    uvicorn_version: Annotated[
        str | None,
        typer.Option(
            "--uvicorn-version",
            metavar="X.Y.Z",
            help="Judge version-specific patterns for this uvicorn release "
            "[default: the installed uvicorn; without one they are listed as not evaluated].",
            show_default=False,
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
    """Find launch code that triggers known uvicorn failures (before it runs).

    Reads Python files and notebooks (with `ast`), Procfile, Dockerfile, compose
    files, shell scripts and pyproject.toml tasks. Silence one finding in place
    with a `# doctor: ignore[ENTRY-ID] reason` comment on its line.
    Exit status: 0 clean, 1 a finding at or above --fail-on, 2 bad input.
    """
    from troubleshoot.checkenv import exit_code, load_tool_config, parse_ignore_option
    from troubleshoot.formats import get_format
    from troubleshoot.kbstore import Store
    from troubleshoot.scan import DEFAULT_FAIL_ON
    from troubleshoot.scan import scan as run_scan

    targets = paths or [Path()]
    for target in targets:
        if not target.exists():
            raise InputError(f"{target}: no such file or folder")
    version = _uvicorn_version(uvicorn_version)
    if config is not None and not config.is_file():
        raise InputError(f"--config {config}: no such file")
    default = Path("pyproject.toml")
    tool = load_tool_config(config or default) if (config or default.is_file()) else None
    ignores = [*(tool.ignores if tool else ()), *(parse_ignore_option(v) for v in ignore or [])]
    threshold = fail_on or (tool.fail_on if tool else None) or DEFAULT_FAIL_ON
    store = Store.open(settings(ctx))
    try:
        entries = store.entries()
    finally:
        store.close()
    report = run_scan(
        targets,
        entries,
        uvicorn_version=version,
        ignores=ignores,
        fail_on=threshold,
        today=date.today(),
    )
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


def _uvicorn_version(given: str | None) -> str | None:
    """--uvicorn-version, checked; else the version installed for this interpreter."""
    from importlib import metadata

    from packaging.version import InvalidVersion, Version

    if given is not None:
        try:
            Version(given)
        except InvalidVersion:
            raise InputError(f"--uvicorn-version {given!r}: not a version (as 0.30.6)") from None
        return given
    try:
        return metadata.version("uvicorn")
    except metadata.PackageNotFoundError:
        return None

"""`doctor scan`: find launch configurations in code that trigger KB entries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    output_format: FormatOpt = "text",
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Find launch code that triggers known uvicorn failures (before it runs).

    Reads Python files and notebooks (with `ast`), Procfile, Dockerfile, compose
    files, shell scripts and pyproject.toml tasks. Silence one finding in place
    with a `# doctor: ignore[ENTRY-ID] reason` comment on its line.
    Exit status: 0 clean, 1 a finding at or above --fail-on, 2 bad input.
    """
    from troubleshoot.scan.service import scan as run_scan

    targets = paths or [Path()]
    for target in targets:
        if not target.exists():
            raise InputError(f"{target}: no such file or folder")
    version = _uvicorn_version(uvicorn_version)
    entries, policy = judged_by(ctx, config, ignore, fail_on)
    report = run_scan(targets, entries, uvicorn_version=version, **policy)
    emit(report, output_format, output)


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

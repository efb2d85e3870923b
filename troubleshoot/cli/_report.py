"""What `check-env` and `scan` share: the report options, [tool.doctor], and writing the report."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from troubleshoot.cli._common import settings
from troubleshoot.errors import InputError
from troubleshoot.formats import FormatName
from troubleshoot.vocab import Severity

if TYPE_CHECKING:
    from troubleshoot.report.model import Report
    from troubleshoot.report.policy import Policy, ToolConfig
    from troubleshoot.schema import Entry

FormatOpt = Annotated[FormatName, typer.Option("--format", help="Output format.")]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write the report here, not stdout."),
]
FailOnOpt = Annotated[
    Severity | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 when a finding has this severity or higher "
        "[default: tool.doctor.fail-on, else medium].",
        show_default=False,
    ),
]
IgnoreOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="ID=REASON",
        help="Accept a finding: 'ENTRY-ID=reason' (reason required). Repeatable.",
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="pyproject.toml with [tool.doctor] (ignores, fail-on) "
        "[default: ./pyproject.toml if present].",
        show_default=False,
    ),
]


def tool_config(config: Path | None) -> ToolConfig:
    """[tool.doctor] from --config, else ./pyproject.toml when there is one."""
    from troubleshoot.report.policy import ToolConfig, load_tool_config

    if config is not None:
        if config.is_dir():
            raise InputError(f"--config {config}: is a folder; give the pyproject.toml itself")
        if not config.is_file():
            raise InputError(f"--config {config}: no such file")
        return load_tool_config(config)
    default = Path("pyproject.toml")
    return load_tool_config(default) if default.is_file() else ToolConfig()


def judged_by(
    ctx: typer.Context, config: Path | None, ignore: list[str] | None, fail_on: Severity | None
) -> tuple[list[Entry], Policy]:
    """The KB's entries, and the policy: --ignore added to [tool.doctor]'s ignores,
    --fail-on over tool.doctor.fail-on over the default, today, the site's address."""
    from troubleshoot.kbstore import Store
    from troubleshoot.report.policy import DEFAULT_FAIL_ON, Policy, parse_ignore_option

    tool = tool_config(config)
    resolved = settings(ctx)
    store = Store.open(resolved)
    try:
        entries = store.entries()
    finally:
        store.close()
    return entries, Policy(
        ignores=[*tool.ignores, *(parse_ignore_option(v) for v in ignore or [])],
        fail_on=fail_on or tool.fail_on or DEFAULT_FAIL_ON,
        today=date.today(),
        site_url=resolved.site_url,
    )


def emit(
    report: Report, output_format: str, output: Path | None, *, detail: bool = False
) -> NoReturn:
    """Warn about expired ignores, write the report, exit with the report's status."""
    from troubleshoot.formats import get_format
    from troubleshoot.report.policy import exit_code

    for ig in report.expired_ignores:
        when = ig.expires.isoformat() if ig.expires else "?"
        sys.stderr.write(
            f"doctor: warning: the ignore for {ig.entry_id} ({ig.origin}) expired on {when}; "
            "it no longer applies\n"
        )
    to_terminal = output is None and sys.stdout.isatty()
    color = to_terminal and "NO_COLOR" not in os.environ
    width = os.get_terminal_size().columns if to_terminal else None
    text = get_format(output_format, color=color, width=width, detail=detail).render(report)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"--output {output}: cannot write: {exc.strerror or exc}") from exc
    raise typer.Exit(exit_code(report))

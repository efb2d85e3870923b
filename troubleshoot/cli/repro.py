"""`doctor repro`, `doctor verify`, `doctor bisect`: run the repros in fixes/<id>/.

Exit codes: 0 when every run showed the correct behaviour (or could not apply
here), 1 when a run reproduced the failure, 3 when the harness itself failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer

from troubleshoot.cli._common import console, settings
from troubleshoot.cli.app import app
from troubleshoot.errors import InputError

if TYPE_CHECKING:
    from troubleshoot.harness.bisect import BisectReport
    from troubleshoot.harness.runner import Result

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@contextmanager
def _steps(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A rich spinner whose steps are also logged above it (nothing with --json)."""
    if quiet:
        yield lambda _: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    out = console(stderr=True)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=out
    ) as progress:
        task = progress.add_task("starting", total=None)

        def step(text: str) -> None:
            progress.update(task, description=text)
            progress.console.print(f"  {text}", markup=False, highlight=False)

        yield step


def _result_dict(result: Result) -> dict[str, Any]:
    return {
        "entry": result.entry_id,
        "scenario": result.scenario,
        "server": result.server,
        "version": result.version,
        "python": result.python,
        "platform": result.platform,
        "outcome": result.verdict.outcome,
        "kind": result.verdict.kind,
        "reason": result.verdict.reason,
        "excerpt": result.verdict.excerpt,
        "seconds": round(result.seconds, 2),
        "kept": str(result.kept) if result.kept else None,
    }


def _print_results(results: list[Result]) -> None:
    from rich.table import Table
    from rich.text import Text

    style = {"reproduces": "red", "fixed": "green", "not-applicable": "dim", "error": "yellow"}
    table = Table("scenario", "server", "Python", "outcome", "kind", "why")
    for r in results:
        server = "reference" if r.server == "reference" else f"uvicorn {r.version}"
        outcome = Text(r.verdict.outcome, style=style[r.verdict.outcome])
        table.add_row(r.scenario, server, r.python, outcome, r.verdict.kind, r.verdict.reason)
    out = console()
    out.print(table)
    for r in results:
        if r.verdict.excerpt:
            out.print(f"[{r.scenario} / {r.server} {r.version}] evidence:", markup=False)
            out.print(r.verdict.excerpt, markup=False, highlight=False)
        if r.kept:
            out.print(f"files kept in {r.kept}", markup=False)


def _exit_code(results: list[Result]) -> int:
    outcomes = {r.verdict.outcome for r in results}
    if "error" in outcomes:
        return 3
    return 1 if "reproduces" in outcomes else 0


@app.command("repro")
def repro(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ID")],
    *,
    server: Annotated[
        str, typer.Option("--server", help="'reference' or 'uvicorn==X.Y.Z'.")
    ] = "reference",
    scenario: Annotated[
        str | None, typer.Option("--scenario", help="Run only this scenario.")
    ] = None,
    keep: Annotated[
        bool, typer.Option("--keep", help="Leave the run's files (and logs) in place.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Run an entry's repro against one server and print the outcome and evidence."""
    from troubleshoot.harness import service
    from troubleshoot.harness.servers import parse_server

    spec = parse_server(server)
    with _steps(json_out) as step:
        results = service.repro(
            settings(ctx), entry_id, spec, keep=keep, only=scenario, report=step
        )
    if json_out:
        sys.stdout.write(json.dumps([_result_dict(r) for r in results], indent=2) + "\n")
    else:
        _print_results(results)
    raise typer.Exit(_exit_code(results))


def _parse_versions(text: str | None) -> list[str] | None:
    if text is None:
        return None
    from packaging.version import InvalidVersion, Version

    versions = [v.strip() for v in text.split(",") if v.strip()]
    for v in versions:
        try:
            Version(v)
        except InvalidVersion:
            raise InputError(f"--versions: {v!r} is not a version") from None
    return versions


@app.command("verify")
def verify(
    ctx: typer.Context,
    entry_id: Annotated[str | None, typer.Argument(metavar="[ID]")] = None,
    *,
    all_entries: Annotated[bool, typer.Option("--all", help="Every entry with a repro.")] = False,
    versions: Annotated[
        str | None,
        typer.Option(
            "--versions",
            help="Comma-separated uvicorn releases (default: the newest release and the "
            "entry's stated boundaries with the release before each).",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Run repros against the reference server and uvicorn releases; record the evidence."""
    from troubleshoot.harness import service

    if (entry_id is None) == (not all_entries):
        raise InputError("give an entry ID or --all (not both)")
    s = settings(ctx)
    ids = service.all_repro_ids(s) if all_entries else [entry_id or ""]
    wanted = _parse_versions(versions)
    results: list[Result] = []
    files = []
    with _steps(json_out) as step:
        for one in ids:
            run = service.verify(s, one, wanted, report=step)
            results.extend(run.results)
            files.append(str(run.evidence_file))
    if json_out:
        payload = {"results": [_result_dict(r) for r in results], "evidence_files": files}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        _print_results(results)
        for f in files:
            console().print(f"recorded: {f}", markup=False)
    raise typer.Exit(3 if any(r.verdict.outcome == "error" for r in results) else 0)


def _bisect_dict(report: BisectReport) -> dict[str, Any]:
    return {
        "scenario": report.scenario,
        "probes": [_result_dict(r) for r in report.ordered()],
        "changes": [c.describe() for c in report.changes],
        "unconfirmed": report.unconfirmed,
        "proposed_affected": report.broken_ranges(),
        "proposed_fixed_in": report.fixed_in,
    }


@app.command("bisect")
def bisect(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ID")],
    *,
    budget: Annotated[
        int, typer.Option("--budget", help="At most this many releases per scenario.")
    ] = 60,
    record: Annotated[
        bool, typer.Option("--record/--no-record", help="Record every run as evidence.")
    ] = True,
    json_out: JsonOpt = False,
) -> None:
    """Find where the outcome changes across uvicorn releases; propose `affected`."""
    from troubleshoot.harness import service

    with _steps(json_out) as step:
        reports = service.bisect_entry(
            settings(ctx), entry_id, budget=budget, record=record, report=step
        )
    if json_out:
        sys.stdout.write(json.dumps([_bisect_dict(r) for r in reports], indent=2) + "\n")
        return
    out = console()
    for rep in reports:
        out.rule(f"{entry_id}: scenario {rep.scenario}")
        runs = ", ".join(
            f"{r.version}={r.verdict.outcome}({r.verdict.kind})" for r in rep.ordered()
        )
        out.print(f"releases run: {runs}", markup=False)
        for change in rep.changes:
            out.print(f"  change: {change.describe()}", markup=False)
        for note in rep.unconfirmed:
            out.print(f"  not narrowed: {note}", markup=False)
        ranges = rep.broken_ranges()
        out.print(
            "  proposed affected: "
            + (", ".join(f"uvicorn {r}" for r in ranges) if ranges else "none reproduced"),
            markup=False,
        )
        out.print(f"  proposed fixed_in: {rep.fixed_in or '-'}", markup=False)


__all__ = ["asdict", "bisect", "repro", "verify"]

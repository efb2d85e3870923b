"""`doctor paste-traceback`: what failure is this paste?"""

from __future__ import annotations

import math
import sys
from typing import Annotated

import typer

from troubleshoot.cli._common import console, settings
from troubleshoot.cli.app import app


@app.command("paste-traceback")
def paste_traceback(
    ctx: typer.Context,
    source: Annotated[
        str | None, typer.Argument(help="File holding the paste; '-' or nothing reads stdin.")
    ] = None,
    *,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            "-v",
            help="Also say why it matched (the lines that fired), why it breaks, every "
            "fix in full and the upstream links.",
        ),
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager", help="Never page long output on a terminal ($PAGER, else less -FRX)."
        ),
    ] = False,
    min_score: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Report matches scoring at least this.")
    ] = 0.5,  # match.DEFAULT_MIN_SCORE, not imported: it would slow every start-up
    no_env: Annotated[
        bool,
        typer.Option(
            "--no-env", help="Don't use this environment's uvicorn version for the verdict."
        ),
    ] = False,
    uvicorn_version: Annotated[
        str | None,
        typer.Option(
            "--uvicorn-version",
            metavar="X.Y.Z",
            help="Judge the matches for this uvicorn version (when the paste shows none).",
        ),
    ] = None,
) -> None:
    """Match a pasted traceback or log against the known uvicorn failures.

    First the failure, the verdict for your uvicorn version, the confidence and the
    fix to apply; the last line sums it up. Long output goes through a pager on a
    terminal.

    Exit status: 0 a match, 1 no match, 2 bad input.
    """
    from troubleshoot.diagnose import check_version, diagnose, read_source
    from troubleshoot.kbstore import Store

    if uvicorn_version is not None:
        check_version(uvicorn_version)
    if math.isnan(min_score):  # NaN passes typer's range check: every comparison is false
        from troubleshoot.errors import InputError

        raise InputError("--min-score: nan is not a number from 0 to 1")

    if source is None and sys.stdin.isatty():
        sys.stderr.write(
            "Paste the traceback or log, then press Ctrl-D (Ctrl-Z then Enter on Windows):\n"
        )
    text, name = read_source(source)
    store = Store.open(settings(ctx))
    try:
        result = diagnose(
            text,
            store,
            use_environment=not no_env,
            min_score=min_score,
            uvicorn_version=uvicorn_version,
        )
    finally:
        store.close()
    if json_out:
        from troubleshoot.render import match_json

        sys.stdout.write(match_json.render(result) + "\n")
    else:
        from troubleshoot.render import match_text
        from troubleshoot.render.pager import output

        out = console()
        doc = match_text.build(result, out, explain=explain, source=name, paste=text)
        output(lambda _console: doc.print(), out, page=not no_pager)
    raise typer.Exit(0 if result.matches else 1)

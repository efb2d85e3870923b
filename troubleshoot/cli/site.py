"""`doctor export-site`: the knowledge base as a self-contained static site."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from troubleshoot.cli._common import console, settings
from troubleshoot.cli.app import app

if TYPE_CHECKING:
    from troubleshoot.site.export import Progress


@contextmanager
def _progress_bar() -> Iterator[Progress | None]:
    """A rich progress bar on a terminal; nothing when stderr is piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("exporting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        yield update


@app.command("export-site")
def export_site(
    ctx: typer.Context,
    out_dir: Annotated[
        Path,
        typer.Argument(
            metavar="OUT_DIR",
            help="New, empty, or previous-export directory to write the site into.",
        ),
    ],
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            help="Public URL the site will be served from (canonical links, sitemap, feeds).",
        ),
    ] = None,
) -> None:
    """Export every fix as a static site (opens from file:// or any static host)."""
    from troubleshoot.site.export import export_site as run_export

    with _progress_bar() as progress:
        result = run_export(settings(ctx), out_dir, base_url, progress)
    notes = [f"{result.pages} pages", f"{result.osv_records} OSV records"]
    if not result.sitemap:
        notes.append("no sitemap.xml (it needs --base-url)")
    index = result.out_dir / "index.html"
    sys.stdout.write(f"exported {', '.join(notes)} to {result.out_dir}\nopen {index}\n")

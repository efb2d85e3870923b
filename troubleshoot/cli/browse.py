"""`doctor show`, `doctor search`, `doctor list`: read the knowledge base."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from troubleshoot.cli._common import console, settings
from troubleshoot.cli.app import app
from troubleshoot.errors import InputError

if TYPE_CHECKING:
    from troubleshoot.kbstore import Store

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _store(ctx: typer.Context) -> Store:
    from troubleshoot.kbstore import Store

    return Store.open(settings(ctx))


@app.command("show")
def show(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ID")],
    version: Annotated[
        str | None,
        typer.Option(help="Say first whether this uvicorn version is affected (e.g. 0.10.3)."),
    ] = None,
    json_out: JsonOpt = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager", help="Never page long output on a terminal ($PAGER, else less -FRX)."
        ),
    ] = False,
) -> None:
    """Show one entry: what happens, why, the versions, the fixes, the evidence.

    On a terminal, long output goes through a pager."""
    from troubleshoot.versions import release_status

    _check_version(version)
    store = _store(ctx)
    entry = store.entry(entry_id)
    if entry is None:
        from difflib import get_close_matches

        near = get_close_matches(entry_id, store.ids(), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else "; see `doctor list`"
        raise InputError(f"no entry with id {entry_id!r}{hint}")
    evidence = store.evidence(entry_id)
    status = release_status(entry, version) if version else None
    if json_out:
        data = entry.to_dict() | {"evidence": [asdict(r) for r in evidence]}
        if status is not None:
            data["verdict"] = {"version": version, "status": status}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    from troubleshoot.render.entry_text import entry_doc, verdict_line
    from troubleshoot.render.pager import output

    out = console()
    doc = entry_doc(entry, evidence, out)

    def write(_console: object) -> None:
        if version is not None and status is not None:
            out.print(verdict_line(entry, version, status), markup=False, highlight=False)
        doc.print()

    output(write, out, page=not no_pager)


@app.command("search")
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help="Words to find, and/or a uvicorn version.")],
    json_out: JsonOpt = False,
) -> None:
    """Full-text search over titles, summaries, mechanisms and error texts (exit 1: nothing).

    A version in the query (0.10.3) is a uvicorn version, answered as the site's search
    answers it: which entries that release is affected by (among those matching the
    other words, if any).
    """
    version = next((w for w in query if _VERSION_WORD.match(w)), None)
    words = [w for w in query if w != version and not (version and w.lower() == "uvicorn")]
    store = _store(ctx)
    if version is None:
        hits = store.search(" ".join(query))
        answer = None
    else:
        hits, answer = _version_search(store, version.lstrip("vV"), words)
    if json_out:
        rows = [{"id": i, "title": t, "rank": r} for i, t, r in hits]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        if answer:
            sys.stdout.write(answer + "\n")
        # whole lines, as wide as their content: the id is the handle for `doctor show`
        for entry_id, title, _rank in hits:
            sys.stdout.write(f"{entry_id}  {title}\n")
        if not hits and not answer:
            console().print("no entries found", style="yellow")
    raise typer.Exit(0 if hits else 1)


_VERSION_WORD = re.compile(r"^[vV]?\d+(?:\.\d+)+(?:[a-z0-9.+-]*)$")


def _version_search(
    store: Store, version: str, words: list[str]
) -> tuple[list[tuple[str, str, float]], str]:
    """Entries about uvicorn that ``version`` is affected by, among the word hits."""
    from troubleshoot.catalog.lookup import load
    from troubleshoot.versions import canonicalize_name, release_status

    releases = load(store.kb_dir).releases("uvicorn") if store.kb_dir else ()
    if releases and version not in releases:
        return [], (
            f"{version} is not a uvicorn release on PyPI (known: {releases[0]} to {releases[-1]})."
        )
    allowed = {i for i, _t, _r in store.search(" ".join(words))} if words else None
    hard: list[tuple[str, str, float]] = []
    soft: list[tuple[str, str, float]] = []
    for e in store.entries():
        if canonicalize_name(e.package) != "uvicorn" or (
            allowed is not None and e.id not in allowed
        ):
            continue
        status = release_status(e, version)
        if status == "affected":
            hard.append((e.id, e.title, 0.0))
        elif status == "conditional":
            soft.append(
                (e.id, f"{e.title} (on some platforms, Pythons or package pairings only)", 0.0)
            )
    matching = " matching your words" if words else ""
    n = len(hard)
    answer = (
        f"Yes: uvicorn {version} is affected by {n} known failure{'s' if n != 1 else ''}{matching}."
        if hard
        else f"No: uvicorn {version} is not affected by any version-bound entry{matching}."
    )
    if soft:
        answer += f" {len(soft)} more only on some platforms, Pythons or package pairings."
    return hard + soft, answer


@app.command("list")
def list_entries(
    ctx: typer.Context,
    *,
    tag: Annotated[str | None, typer.Option(help="Only entries with this tag.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only entries of this kind.")] = None,
    version: Annotated[
        str | None,
        typer.Option(
            help="Only entries affecting this uvicorn version (0.10.3), or this release "
            "of another package (h11==0.14.0)."
        ),
    ] = None,
    tags: Annotated[
        bool, typer.Option("--tags", help="List the tags (with how many entries carry each).")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """List entries, optionally filtered by tag, kind or affected version.

    With --version, the entries that release is affected by, on every platform
    ("affected") or only on some platforms, Pythons or package pairings ("conditional"). Entries
    about another package (h11, websockets) are judged on that package's
    releases: name it, as --version h11==0.14.0.
    """
    from troubleshoot.schema import KINDS
    from troubleshoot.versions import canonicalize_name, release_status

    if kind is not None and kind not in KINDS:
        raise InputError(f"--kind must be one of {', '.join(KINDS)}; got {kind!r}")
    package, _, version = (version or "").rpartition("==")
    package = canonicalize_name(package or "uvicorn")
    version = version or None
    _check_version(version)
    entries = _store(ctx).entries()
    if tags:
        counts: dict[str, int] = {}
        for e in entries:
            for t in e.tags:
                counts[t] = counts.get(t, 0) + 1
        if json_out:
            sys.stdout.write(json.dumps(dict(sorted(counts.items())), indent=2) + "\n")
        else:
            width = max(map(len, counts), default=0)
            sys.stdout.write("".join(f"{t.ljust(width)}  {n}\n" for t, n in sorted(counts.items())))
        return
    if tag is not None and not any(tag in e.tags for e in entries):
        known = sorted({t for e in entries for t in e.tags})
        raise InputError(
            f"--tag {tag!r}: no entry has this tag (doctor list --tags lists them: "
            f"{', '.join(known[:12])}{', ...' if len(known) > 12 else ''})"
        )
    if version:
        entries = [e for e in entries if canonicalize_name(e.package) == package]
    status = {e.id: release_status(e, version) for e in entries} if version else {}
    entries = [
        e
        for e in entries
        if (tag is None or tag in e.tags)
        and (kind is None or e.kind == kind)
        and (version is None or status[e.id] in ("affected", "conditional"))
    ]
    if json_out:
        rows = [
            {
                "id": e.id,
                "title": e.title,
                "kind": e.kind,
                "severity": e.severity,
                "tags": list(e.tags),
                "fixed_in": e.fixed_in,
            }
            | ({"verdict": status[e.id]} if version else {})
            for e in entries
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    from troubleshoot.render.entry_text import entries_table

    if version and not entries:
        sys.stdout.write(f"No KB entry affects {package} {version}.\n")
        return
    sys.stdout.write(entries_table(entries, status))


def _check_version(version: str | None) -> None:
    if version is None:
        return
    from packaging.version import InvalidVersion, Version

    try:
        Version(version)
    except InvalidVersion:
        raise InputError(f"--version {version!r} is not a PEP 440 version") from None

"""`doctor show` / `doctor list` / `doctor search`: rich renderings of entries."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from troubleshoot.evidence import EvidenceRecord, fix_check
from troubleshoot.render.links import upstream_lines
from troubleshoot.schema import Entry


def affected_lines(entry: Entry) -> list[str]:
    lines = []
    for a in entry.affected:
        when = f" when {a.when}" if a.when else ""
        note = f" ({a.note})" if a.note else ""
        lines.append(f"{a.package} {a.specifier}{when} [{a.status}]{note}")
    return lines


def render_entry(entry: Entry, evidence: list[EvidenceRecord], console: Console) -> None:
    console.rule(f"{entry.title}  [{entry.id}]")
    console.print(
        f"kind: {entry.kind}   severity: {entry.severity}   tags: {', '.join(entry.tags) or '-'}",
        markup=False,
    )
    console.print(Markdown(entry.summary))
    if entry.error:
        console.print(Text("What you see", style="bold"))
        console.print(entry.error.rstrip(), markup=False, highlight=False)
    console.print(Text("Why it breaks", style="bold"))
    console.print(Markdown(entry.mechanism))
    for variant in entry.variants:
        console.print(Text(f"uvicorn {variant.versions}", style="bold"))
        console.print(Markdown(variant.summary))
    console.print(Text("Affected versions", style="bold"))
    for line in affected_lines(entry) or ["not tied to a version"]:
        console.print(f"  {line}", markup=False)
    console.print(f"  fixed in: {entry.fixed_in or 'no fixed release'}", markup=False)
    if entry.unverifiable:
        console.print(f"  cannot be verified here: {entry.unverifiable}", markup=False)
    console.print(Text("Fix options", style="bold"))
    for n, fix in enumerate(entry.fixes, 1):
        scope = f" (uvicorn {fix.versions})" if fix.versions else ""
        console.print(Text(f"{n}. [{fix.type}] {fix.title}{scope}", style="bold cyan"))
        console.print(Markdown(fix.body))
        if fix.when_not:
            console.print(f"   When not to use it: {fix.when_not}", markup=False, style="dim")
        if check := fix_check(fix, evidence):
            style = "green" if fix.verified_by else "dim"
            console.print(f"   {check}", markup=False, style=style)
    if entry.prevention:
        console.print(Text("Prevention", style="bold"))
        console.print(Markdown(entry.prevention))
    console.print(Text("Evidence", style="bold"))
    console.print(
        evidence_table(evidence)
        if evidence
        else "  no recorded runs yet: the version boundaries above are unverified"
    )
    console.print(Text("Upstream", style="bold"))
    for line in upstream_lines(entry):
        console.print(f"  {line}", markup=False)
    if entry.related:
        console.print(f"Related: {', '.join(entry.related)}", markup=False)


def evidence_table(records: list[EvidenceRecord]) -> Table:
    table = Table("server", "version", "Python", "platform", "scenario", "outcome", "date")
    style = {"reproduces": "red", "fixed": "green", "not-applicable": "dim", "error": "yellow"}
    for r in records:
        table.add_row(
            r.server,
            r.version,
            r.python,
            r.platform,
            r.scenario,
            Text(r.outcome, style=style[r.outcome]),
            r.date,
        )
    return table


_STATUS_WORDS = {
    "affected": "affected",
    "conditional": "on some platforms",
    "fixed": "fixed",
    "not-affected": "not affected",
    "any-version": "not version-specific",
}


def verdict_line(entry: Entry, version: str, status: str) -> str:
    """``uvicorn 0.10.3: affected by ssl-with-reload-crash (fixed in 0.8.1)``."""
    fixed = f" (fixed in {entry.fixed_in})" if entry.fixed_in else ""
    words = {
        "affected": f"affected by {entry.id}{fixed}",
        "conditional": f"affected by {entry.id} on some platforms or Pythons only{fixed}",
        "fixed": f"not affected: {entry.id} is fixed in {entry.fixed_in}",
        "not-affected": f"not affected by {entry.id}",
        "any-version": f"{entry.id} is not version-specific: any release can hit it",
    }
    return f"{entry.package} {version}: {words[status]}"


def entries_table(entries: list[Entry], status: Mapping[str, str] | None = None) -> str:
    """Plain aligned columns, as wide as their content: ids are never cut or wrapped (they
    are the handle for ``doctor show``), and ``doctor list | grep`` gets whole lines."""
    header = ["id", "kind", "severity", "fixed in", *(["verdict"] if status else []), "title"]
    rows = [header]
    for e in entries:
        extra = [_STATUS_WORDS[status[e.id]]] if status else []
        rows.append([e.id, e.kind, e.severity, e.fixed_in or "-", *extra, e.title])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    ]
    return "\n".join(lines) + "\n"

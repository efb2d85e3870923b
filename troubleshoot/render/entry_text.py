"""`doctor show` / `doctor list` / `doctor search`: rich renderings of entries."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console
from rich.text import Text

from troubleshoot.evidence import EvidenceRecord, fix_check
from troubleshoot.render.links import upstream_lines
from troubleshoot.render.md import Doc, inline, wrap
from troubleshoot.schema import Entry


def affected_lines(entry: Entry) -> list[str]:
    lines = []
    for a in entry.affected:
        when = f" when {a.when}" if a.when else ""
        note = f" ({' '.join(a.note.split())})" if a.note.strip() else ""
        lines.append(f"{a.package} {a.specifier}{when} [{a.status}]{note}")
    return lines


def render_entry(entry: Entry, evidence: list[EvidenceRecord], console: Console) -> None:
    entry_doc(entry, evidence, console).print()


def entry_doc(entry: Entry, evidence: list[EvidenceRecord], console: Console) -> Doc:
    """The whole entry as lines: the id and title never cut, prose reflowed (no raw
    backticks, no source line breaks), code blocks never wrapped, tables as wide as
    their content. No box drawing."""
    from troubleshoot.render.match_text import title_for

    doc = Doc(console)
    head = Text()
    head.append(entry.id, style="bold" if doc.styled else None)
    head.append(f": {title_for(entry.title, '')}")  # placeholders read neutrally
    doc.add(head)
    doc.add(
        f"kind: {entry.kind}   severity: {entry.severity}   tags: {', '.join(entry.tags) or '-'}"
    )
    doc.blank()
    doc.md(entry.summary, "")
    if entry.error:
        _section(doc, "What you see")
        for line in entry.error.rstrip().splitlines():
            doc.add(f"    {line}".rstrip(), code=True)
    _section(doc, "Affected versions")
    for line in affected_lines(entry) or ["not tied to a version"]:
        doc.lines.extend(wrap(inline(line, styled=doc.styled), console, doc.width, "  ", "    "))
    doc.add(f"  fixed in: {entry.fixed_in or 'no fixed release'}")
    if entry.unverifiable:
        doc.prose(f"cannot be verified here: {entry.unverifiable}", "  ", hanging="    ")
    _section(doc, "Fix options")
    for n, fix in enumerate(entry.fixes, 1):
        scope = f" (uvicorn {fix.versions})" if fix.versions else ""
        title = Text(f"{n}. [{fix.type}] ")
        title.append(fix.title + scope, style="bold" if doc.styled else None)
        doc.add(title)
        doc.md(fix.body, "   ")
        if fix.when_not:
            doc.prose(f"When not to use it: {fix.when_not}", "   ")
        if check := fix_check(fix, evidence):
            doc.prose(check, "   ")
        doc.blank()
    _section(doc, "Why it breaks")
    doc.md(entry.mechanism, "")
    for variant in entry.variants:
        _section(doc, f"uvicorn {variant.versions}")
        doc.md(variant.summary, "")
    if entry.prevention:
        _section(doc, "Prevention")
        doc.md(entry.prevention, "")
    _section(doc, "Evidence")
    if evidence:
        for line in evidence_table(evidence).splitlines():
            doc.add(f"  {line}", code=True)
    else:
        doc.add("  no recorded runs yet: the version boundaries above are unverified")
    _section(doc, "Upstream")
    repo = entry.upstream.repo
    for line in upstream_lines(entry):
        words = line.split()
        commit = len(words) == 2 and words[0] == "commit"
        doc.add(f"  {line}: https://github.com/{repo}/commit/{words[1]}" if commit else f"  {line}")
    if entry.related:
        doc.prose(f"Related: {', '.join(entry.related)}", "", hanging="  ")
    return doc


def _section(doc: Doc, name: str) -> None:
    doc.blank()
    doc.add(name, "bold")


def evidence_table(records: list[EvidenceRecord]) -> str:
    """Plain aligned columns as wide as their content: no scenario or outcome cut."""
    rows = [["server", "version", "Python", "platform", "scenario", "outcome", "date"]]
    rows += [
        [r.server, r.version, r.python, r.platform, r.scenario, r.outcome, r.date] for r in records
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    )


_STATUS_WORDS = {
    "affected": "affected",
    "conditional": "in some setups",
    "fixed": "fixed",
    "not-affected": "not affected",
    "any-version": "not version-specific",
}


def verdict_line(entry: Entry, version: str, status: str) -> str:
    """``uvicorn 0.10.3: affected by ssl-with-reload-crash (fixed in 0.8.1)``."""
    fixed = f" (fixed in {entry.fixed_in})" if entry.fixed_in else ""
    words = {
        "affected": f"affected by {entry.id}{fixed}",
        "conditional": (
            f"affected by {entry.id} on some platforms, Pythons or package pairings only{fixed}"
        ),
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

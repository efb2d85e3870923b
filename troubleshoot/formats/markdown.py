"""``--format markdown``: a summary for ``$GITHUB_STEP_SUMMARY`` (GitHub-flavoured).

Unlike annotations, the step summary has no cap, so every finding is listed.
Everything quoted from the input or the KB is escaped, so ``__name__`` and
``<module>:<attribute>`` render as written: the punctuation that can start
emphasis, HTML, a link, an autolink, an entity or a table cell is
backslash-escaped in text (CommonMark allows it for any ASCII punctuation), and
code spans get a fence longer than any backtick run inside them. Dots are escaped
too: a linkifier that links bare domains (markdown-it's linkify, as in its
gfm-like preset) would otherwise turn ``main.py`` or ``evil.com`` into a link;
GitHub's renders them as written either way.
"""

from __future__ import annotations

import re

from troubleshoot.formats.interface import (
    Format,
    advisory_text,
    reach_text,
    setup_line,
    summary_line,
    verdict_word,
)
from troubleshoot.report.model import Finding, Location, Report

# Inline markup: emphasis, code, links, HTML, entities, GFM autolinks (``:`` of a
# scheme, ``.`` of www. and of a bare domain) and strikethrough, table pipes. '-', '+'
# and '=' only matter at the start of a line (lists, headings).
_INLINE = frozenset("\\`*_{}[]<>()#!|~&:.")
_LINE_START = re.compile(r"^[-+=]")


def cell(text: object) -> str:
    """Literal text: inline markup escaped, newlines folded, a block marker at the
    start escaped, so no emphasis, HTML, link or table pipe comes from the input."""
    flat = " ".join(str(text).splitlines())
    escaped = "".join(f"\\{c}" if c in _INLINE else c for c in flat)
    return "\\" + escaped if _LINE_START.match(escaped) else escaped


def code(text: object, *, in_table: bool = True) -> str:
    """A code span showing ``text`` as written (a pipe escaped for GFM tables)."""
    flat = " ".join(str(text).splitlines())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    body = flat.replace("|", "\\|") if in_table else flat
    return f"{fence}{pad}{body}{pad}{fence}"


def _where(location: Location | None) -> str:
    return code(location) if location is not None else ""


def _entry(finding: Finding) -> str:
    title = cell(finding.entry_id)
    return f"[{title}](<{finding.url}>)" if finding.url else code(finding.entry_id)


class MarkdownFormat(Format):
    name = "markdown"

    def render(self, report: Report) -> str:
        word = verdict_word(report)
        status = {"FAILED": "❌ failed", "OK": "✅ passed", "NOT CHECKED": "⚠️ nothing checked"}
        out = [
            f"## uvicorn-doctor {report.command}: {status[word]}",
            "",
            cell(summary_line(report)),
        ]
        out.append("")
        if report.sources:
            out += ["Checked: " + ", ".join(code(s, in_table=False) for s in report.sources), ""]
        if report.expired_ignores:
            out += ["> [!WARNING]", "> Expired ignores (they no longer apply):"]
            for ig in report.expired_ignores:
                when = ig.expires.isoformat() if ig.expires else "?"
                out.append(
                    f"> - {code(ig.entry_id, in_table=False)} expired {when} "
                    f"({cell(ig.origin)}): {cell(ig.reason)}"
                )
            out.append("")
        if report.findings:
            out += [
                "### Findings",
                "",
                "| | Severity | Entry | Package | Version | Fixed in | Fix | Where | Reached |",
                "|---|---|---|---|---|---|---|---|---|",
            ]
            for f in report.findings:
                mark = "❌" if f.failing else "⚠️"
                adv = f" ({cell(advisory_text(f))})" if f.advisories else ""
                out.append(
                    f"| {mark} | {f.severity} | {_entry(f)}{adv} | {cell(f.package or '')} | "
                    f"{cell(f.version or '')} | {cell(f.fixed_in or '')} | {cell(f.fix)} | "
                    f"{_where(f.location)} | {cell(reach_text(f))} |"
                )
            out.append("")
        if report.unreached:
            out += ["### Affected, but not reached by the project", ""]
            out += [f"- {_entry(f)}: {cell(reach_text(f))}" for f in report.unreached]
            out.append("")
        if line := setup_line(report):
            out += [line, ""]  # our own words and a count: its `doctor scan .` is code
        if report.ignored:
            out += ["### Ignored", "", "| Entry | Package | Reason | Expires | Set in |"]
            out.append("|---|---|---|---|---|")
            for i in report.ignored:
                expires = i.ignore.expires.isoformat() if i.ignore.expires else "never"
                pkg = f"{i.finding.package or ''} {i.finding.version or ''}".strip()
                out.append(
                    f"| {_entry(i.finding)} | {cell(pkg)} | {cell(i.ignore.reason)} | "
                    f"{expires} | {code(i.ignore.origin)} |"
                )
            out.append("")
        if report.unevaluated:
            out += ["### Not evaluated", "", "| Package | Reason | Entries | Where |"]
            out.append("|---|---|---|---|")
            for u in report.unevaluated:
                out.append(
                    f"| {cell(u.subject)} | {cell(u.reason)} | {cell(', '.join(u.entries))} | "
                    f"{_where(u.location)} |"
                )
            out.append("")
        out += [f"- ⚠️ {cell(w)}" for w in report.warnings]
        if report.blind is not None:
            out += ["> [!WARNING]", f"> Nothing was checked: {cell(report.blind)}"]
        return "\n".join(out).rstrip("\n") + "\n"


FORMAT = MarkdownFormat

"""``--format markdown``: a summary for ``$GITHUB_STEP_SUMMARY`` (GitHub-flavoured).

Unlike annotations, the step summary has no cap, so every finding is listed.
"""

from __future__ import annotations

from troubleshoot.formats.interface import Finding, Format, Location, Report, summary_line


def cell(text: object) -> str:
    """Text safe inside a table cell: no pipes or newlines breaking the row."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _where(location: Location | None) -> str:
    return f"`{cell(location)}`" if location is not None else ""


def _entry(finding: Finding) -> str:
    title = cell(finding.entry_id)
    return f"[{title}]({finding.url})" if finding.url else f"`{title}`"


class MarkdownFormat(Format):
    name = "markdown"

    def render(self, report: Report) -> str:
        status = "❌ failed" if report.failed else "✅ passed"
        out = [f"## uvicorn-doctor {report.command}: {status}", "", summary_line(report), ""]
        if report.sources:
            out += ["Checked: " + ", ".join(f"`{cell(s)}`" for s in report.sources), ""]
        if report.expired_ignores:
            out += ["> [!WARNING]", "> Expired ignores (they no longer apply):"]
            for ig in report.expired_ignores:
                when = ig.expires.isoformat() if ig.expires else "?"
                out.append(f"> - `{ig.entry_id}` expired {when} ({ig.origin}): {ig.reason}")
            out.append("")
        if report.findings:
            out += [
                "### Findings",
                "",
                "| | Severity | Entry | Package | Version | Fixed in | Fix | Where |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for f in report.findings:
                mark = "❌" if f.failing else "⚠️"
                out.append(
                    f"| {mark} | {f.severity} | {_entry(f)} | {cell(f.package or '')} | "
                    f"{cell(f.version or '')} | {cell(f.fixed_in or '')} | {cell(f.fix)} | "
                    f"{_where(f.location)} |"
                )
            out.append("")
        if report.advice:
            out += ["### Advice (no release fixes these; they never fail the run)", ""]
            out += [f"- {_entry(f)}: {cell(f.message)} **{cell(f.fix)}**" for f in report.advice]
            out.append("")
        if report.ignored:
            out += ["### Ignored", "", "| Entry | Package | Reason | Expires | Set in |"]
            out.append("|---|---|---|---|---|")
            for i in report.ignored:
                expires = i.ignore.expires.isoformat() if i.ignore.expires else "never"
                pkg = f"{i.finding.package or ''} {i.finding.version or ''}".strip()
                out.append(
                    f"| {_entry(i.finding)} | {cell(pkg)} | {cell(i.ignore.reason)} | "
                    f"{expires} | `{cell(i.ignore.origin)}` |"
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
        return "\n".join(out).rstrip("\n") + "\n"


FORMAT = MarkdownFormat

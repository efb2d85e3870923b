"""``--format text``: rich tables for a terminal (the only format that imports rich)."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from troubleshoot.formats.interface import Format, Report, summary_line

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


class TextFormat(Format):
    name = "text"

    def render(self, report: Report) -> str:
        buffer = StringIO()
        console = Console(
            file=buffer,
            force_terminal=self.color,
            no_color=not self.color,
            color_system="standard" if self.color else None,
            width=self.width or 120,
            highlight=False,
            soft_wrap=False,
        )
        if report.sources:
            console.print(Text("Checked: " + ", ".join(report.sources), style="dim"))
        for ig in report.expired_ignores:
            when = ig.expires.isoformat() if ig.expires else "?"
            console.print(
                Text(
                    f"EXPIRED IGNORE: {ig.entry_id} expired on {when} ({ig.origin}); "
                    f"it no longer applies. Reason was: {ig.reason}",
                    style="bold red",
                )
            )
        if report.findings:
            table = Table(title="Findings", title_justify="left", show_lines=False)
            # Package findings (check-env) show versions; code findings (scan) show where.
            by_package = any(f.package for f in report.findings)
            extra = ("Package", "Version", "Fixed in") if by_package else ("Where",)
            for column in ("", "Severity", "Entry", *extra, "Fix"):
                table.add_column(column, overflow="fold")
            for f in report.findings:
                cells = (
                    (f.package or "", f.version or "", f.fixed_in or "")
                    if by_package
                    else (str(f.location or ""),)
                )
                table.add_row(
                    Text("FAIL" if f.failing else "warn", style="bold red" if f.failing else ""),
                    Text(f.severity, style=SEVERITY_STYLE[f.severity]),
                    f.entry_id,
                    *cells,
                    f.fix,
                )
            console.print(table)
            for f in report.findings:  # the message already says where
                console.print(Text(f"  {f.message}"))
        if report.advice:
            console.print(Text("Advice (no release fixes these; never fails the run):", "bold"))
            for f in report.advice:
                console.print(Text(f"  {f.entry_id}: {f.message}\n    -> {f.fix}"))
        if report.ignored:
            console.print(Text("Ignored:", "bold"))
            for i in report.ignored:
                until = f" until {i.ignore.expires.isoformat()}" if i.ignore.expires else ""
                pkg = f" ({i.finding.package} {i.finding.version})" if i.finding.package else ""
                console.print(
                    Text(
                        f"  {i.finding.entry_id}{pkg}{until}: {i.ignore.reason} [{i.ignore.origin}]"
                    )
                )
        if report.unevaluated:
            console.print(Text("Not evaluated:", "bold"))
            for u in report.unevaluated:
                where = f" [{u.location}]" if u.location else ""
                console.print(
                    Text(f"  {u.subject}{where}: {u.reason} (entries: {', '.join(u.entries)})")
                )
        for warning in report.warnings:
            console.print(Text(f"warning: {warning}", style="yellow"))
        verdict = "FAILED" if report.failed else "OK"
        console.print(
            Text(f"{verdict}: {summary_line(report)} (fail-on: {report.fail_on})", style="bold")
        )
        return buffer.getvalue()


FORMAT = TextFormat

"""``--format github``: GitHub Actions workflow commands (annotations).

GitHub shows at most 10 annotations of each level (error, warning, notice) per
step. When a level has more, the first 9 are emitted one by one and the 10th
is a summary annotation naming the rest, so nothing disappears silently.
Failing findings (and a check that saw nothing, exit 4) are errors, findings
below ``--fail-on`` and expired ignores are warnings; what the project does not
reach (one notice for all) and unevaluated packages are notices.
"""

from __future__ import annotations

from troubleshoot.formats.interface import (
    BLIND_HINT,
    Format,
    advisory_text,
    reach_sentence,
    setup_line,
    summary_line,
)
from troubleshoot.report.model import Location, Report

MAX_PER_LEVEL = 10


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, *, title: str, location: Location | None = None) -> str:
    props = []
    if location is not None:
        props.append(f"file={escape_property(location.path)}")
        if location.line is not None:
            props.append(f"line={location.line}")
            if location.column is not None:
                props.append(f"col={location.column}")
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


# (title, message, location, key naming it in the overflow summary)
Annotation = tuple[str, str, Location | None, str]


def capped(level: str, items: list[Annotation]) -> list[str]:
    """Annotations for one level; beyond the cap, a summary takes the last visible slot."""
    if len(items) <= MAX_PER_LEVEL:
        shown, rest = items, []
    else:
        shown, rest = items[: MAX_PER_LEVEL - 1], items[MAX_PER_LEVEL - 1 :]
    lines = [command(level, msg, title=title, location=loc) for title, msg, loc, _ in shown]
    if rest:
        names = ", ".join(dict.fromkeys(key for *_, key in rest))
        lines.append(
            command(
                level,
                f"{len(rest)} more not shown as annotations (GitHub shows 10 per step): {names}. "
                "See the job log or the step summary.",
                title=f"doctor: {len(rest)} more",
            )
        )
    return lines


class GithubFormat(Format):
    name = "github"

    def render(self, report: Report) -> str:
        errors: list[Annotation] = []
        warnings: list[Annotation] = []
        notices: list[Annotation] = []
        if report.blind is not None:
            text = f"Nothing was checked: {report.blind}. {BLIND_HINT}"
            errors.append(("doctor: nothing checked", text, None, "nothing checked"))
        for f in report.findings:
            advisory = f"Advisory: {advisory_text(f)}." if f.advisories else ""
            parts = (f.message, advisory, reach_sentence(f), f"Fix: {f.fix}")
            text = " ".join(part for part in parts if part)
            title = f"doctor {f.severity}: {f.entry_id}"
            (errors if f.failing else warnings).append((title, text, f.location, f.entry_id))
        for ig in report.expired_ignores:
            when = ig.expires.isoformat() if ig.expires else "?"
            text = f"The ignore for {ig.entry_id} expired on {when} and no longer applies."
            warnings.append(("doctor: expired ignore", text, None, ig.entry_id))
        if report.unreached:
            ids = ", ".join(dict.fromkeys(f.entry_id for f in report.unreached))
            text = f"Affected, but not reached by how the project starts uvicorn: {ids}."
            notices.append(("doctor: not reached", text, None, "not reached"))
        for u in report.unevaluated:
            text = f"{u.subject}: not evaluated ({u.reason}); entries: {', '.join(u.entries)}"
            notices.append(("doctor: not evaluated", text, u.location, u.subject))
        lines = capped("error", errors) + capped("warning", warnings) + capped("notice", notices)
        # Ignored findings are plain log lines: visible in the job log, no annotation slot used.
        for i in report.ignored:
            until = f" until {i.ignore.expires.isoformat()}" if i.ignore.expires else ""
            where = f"({i.ignore.origin})"
            lines.append(f"doctor: ignored {i.finding.entry_id}{until} {where}: {i.ignore.reason}")
        if line := setup_line(report):
            lines.append(f"doctor: {line}")
        lines.append(f"doctor {report.command}: {summary_line(report)}")
        return "\n".join(lines) + "\n"


FORMAT = GithubFormat

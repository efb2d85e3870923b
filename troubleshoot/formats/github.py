"""``--format github``: GitHub Actions workflow commands (annotations).

GitHub shows at most 10 annotations of each level (error, warning, notice) per
step. When a level has more, the first 9 are emitted one by one and the 10th
is a summary annotation naming the rest, so nothing disappears silently.
Failing findings are errors, findings below ``--fail-on`` and expired ignores
are warnings, advice and unevaluated packages are notices.
"""

from __future__ import annotations

from troubleshoot.formats.interface import Format, Location, Report, summary_line

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
        for f in report.findings:
            text = f"{f.message} Fix: {f.fix}"
            title = f"doctor {f.severity}: {f.entry_id}"
            (errors if f.failing else warnings).append((title, text, f.location, f.entry_id))
        for ig in report.expired_ignores:
            when = ig.expires.isoformat() if ig.expires else "?"
            text = f"The ignore for {ig.entry_id} expired on {when} and no longer applies."
            warnings.append(("doctor: expired ignore", text, None, ig.entry_id))
        for f in report.advice:
            text = f"{f.message} Advice: {f.fix}"
            notices.append((f"doctor advice: {f.entry_id}", text, f.location, f.entry_id))
        for u in report.unevaluated:
            text = f"{u.subject}: not evaluated ({u.reason}); entries: {', '.join(u.entries)}"
            notices.append(("doctor: not evaluated", text, u.location, u.subject))
        lines = capped("error", errors) + capped("warning", warnings) + capped("notice", notices)
        # Ignored findings are plain log lines: visible in the job log, no annotation slot used.
        for i in report.ignored:
            until = f" until {i.ignore.expires.isoformat()}" if i.ignore.expires else ""
            where = f"({i.ignore.origin})"
            lines.append(f"doctor: ignored {i.finding.entry_id}{until} {where}: {i.ignore.reason}")
        lines.append(f"doctor {report.command}: {summary_line(report)}")
        return "\n".join(lines) + "\n"


FORMAT = GithubFormat

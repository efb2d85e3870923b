"""``doctor paste-traceback``: the human-readable report (rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

from troubleshoot.match import Match, MatchResult, describe_source
from troubleshoot.render.links import upstream_lines
from troubleshoot.schema import VERSIONED_KINDS

_STATUS_STYLE = {
    "affected": "bold red",
    "fixed": "green",
    "not-affected": "green",
    "unknown": "yellow",
}


def _status_line(m: Match) -> Text:
    v = m.verdict
    label = {
        "affected": "your version is affected",
        "fixed": "your version has the fix",
        "not-affected": "your version is outside the affected range",
        "unknown": "version verdict unknown",
    }[v.status]
    if v.status == "fixed" and m.entry.kind not in VERSIONED_KINDS:
        # A misuse the release now refuses clearly: the fix is still on the user's side.
        label = "your version reports this clearly; the fix below is still needed"
    text = Text(f"{label}: ", style=_STATUS_STYLE[v.status])
    text.append(v.reason)
    if m.version_source:
        text.append(f" (version from {describe_source(m.version_source)})", style="dim")
    return text


def _match_panel(rank: int, m: Match) -> Panel:
    e = m.entry
    # The fix first: what to do, then why it matched, then why it breaks.
    parts: list[Text | Markdown] = [_status_line(m)]
    parts.append(Markdown(m.variant.summary if m.variant else e.summary))
    parts.append(Text("Fix options", style="bold"))
    for n, fix in enumerate(m.fixes, 1):
        parts.append(Text(f"{n}. [{fix.type}] {fix.title}", style="bold cyan"))
        parts.append(Markdown(fix.body))
        if fix.when_not:
            parts.append(Text(f"   When not to use it: {fix.when_not}", style="dim"))
        if fix.verified_by:
            parts.append(
                Text(
                    f"   Tested: the repro applies it ({fix.verified_by}) and the failure "
                    f"is gone; `doctor show {e.id}` lists the runs.",
                    style="green",
                )
            )
        elif fix.unverified:
            parts.append(Text(f"   Not run here: {fix.unverified}", style="dim"))
    parts.append(Text("Why this matched", style="bold"))
    parts.extend(Text(f"  • {line}") for line in m.why())
    parts.append(Text("Why it breaks", style="bold"))
    parts.append(Markdown(e.mechanism))
    parts.append(Text("Upstream", style="bold"))
    parts.extend(Text(f"  {line}") for line in upstream_lines(e))
    parts.append(Text(f"More: doctor show {e.id}", style="dim"))
    title = f"{rank}. {e.title}  [{e.id}]  confidence {m.confidence} ({m.score:.2f})"
    return Panel(Group(*parts), title=title, title_align="left")


def describe_parsed(result: MatchResult) -> list[str]:
    p = result.parsed
    lines = [
        f"{p.line_count} lines; {len(p.exceptions)} exception(s), {len(p.log_events)} log line(s)"
    ]
    for exc in p.exceptions[:5]:
        msg = exc.message.splitlines()[0] if exc.message else ""
        lines.append(f"  line {exc.line_no}: {exc.type}: {msg[:100]}")
    lines.append(
        "uvicorn: " + ("; ".join(result.involved) if result.involved else "not shown by the paste")
    )
    if result.foreign:
        lines.append("other servers shown: " + ", ".join(result.foreign))
    if p.versions:
        lines.append("versions: " + ", ".join(f"{k} {v}" for k, v in sorted(p.versions.items())))
    if p.platform or p.python_version:
        lines.append(
            f"platform: {p.platform or 'unknown'}; Python: {p.python_version or 'unknown'}"
        )
    if p.truncated:
        lines.append("the paste is truncated: the missing part may hold the signature")
    lines.extend(p.notes)
    return lines


def render(result: MatchResult, console: Console) -> None:
    if not result.matches:
        # the answer first: what it likely is and the one fact that would confirm it
        for m in result.likely:
            console.print(
                Text(f"Likely, not confirmed: {m.entry.id} ({m.score:.2f}): {m.entry.title}"),
                Text(f"  What would confirm it: {m.confirm}", style="dim"),
                Text(f"  See: doctor show {m.entry.id}", style="dim"),
                sep="\n",
            )
        headline = "No confirmed match." if result.likely else "No known uvicorn failure"
        if not result.likely:
            headline += " matches this paste."
        console.print(Text(headline, style="bold yellow"))
        console.print("The paste was read as:")
        for line in describe_parsed(result):
            console.print(f"  {line}", highlight=False, markup=False)
        if result.below_threshold:
            near = ", ".join(f"{i} ({s:.2f})" for i, s in result.below_threshold)
            console.print(f"Weak partial matches, not reported: {near}", markup=False)
        console.print("Try `doctor search WORDS` to look through the knowledge base by text.")
        return
    for rank, m in enumerate(result.matches, 1):
        console.print(_match_panel(rank, m))
    if result.separators:
        console.print(Text("Several entries fit. What would tell them apart:", style="bold"))
        for s in result.separators:
            console.print(f"  • {s.question}", markup=False)
        console.print("Run `doctor` in a terminal to answer these interactively.", style="dim")

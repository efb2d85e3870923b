"""``doctor paste-traceback``: the diagnosis as text.

The first lines answer: which known failure (id and title, never cut), whether the
user's version is affected, how sure the match is, the one fix to apply with its
command. ``--explain`` adds why it matched (each matched log line on its own line),
what happens, why it breaks, every fix in full, and the upstream links. The last
line sums it up (``1 known failure: ssl-with-reload-crash — affected (0.7.2) —
upgrade to >= 0.8.1``). No box drawing: the same lines on a terminal and in a pipe,
colour only on a colour terminal. Code lines are never wrapped or cut.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rich.console import Console
from rich.text import Text

from troubleshoot.match import Match, MatchResult, Separator, describe_source, paste_facts
from troubleshoot.render.md import Doc, Line, wrap
from troubleshoot.schema import VERSIONED_KINDS, Fix

_STATUS_STYLE = {
    "affected": "bold red",
    "fixed": "green",
    "not-affected": "green",
    "unknown": "yellow",
    "any": "yellow",
}
INDENT = "  "
BODY = "    "


# --- the pieces of a diagnosis ------------------------------------------------------

_PLACEHOLDERS = (
    (r'"X"', r'"([^"\n]{1,80})"', '"…"'),
    (r"'\.\.\.'", r"'([^'\n]{1,80})'", None),
    (r"\(\.\.\.\)", r"\(([^)\n]{1,80})\)", None),
    (r"\[N\]", r"\[(\d+)\]", None),
    (r"(?<![\w-])N(?= [a-z])", r"(\d+)", None),
    (r'"[^"\s]{1,40}"', r'"([^"\n]{1,80})"', None),
)
_STOP = re.compile(r"[:;,.(`]")


def title_for(title: str, paste: str) -> str:
    """The entry title with its placeholders (``"X"``, ``[N]``, ``'...'``) filled with
    the user's own values where the paste shows them in the same words, else neutral."""
    out = title
    for token, capture, neutral in _PLACEHOLDERS:
        for found in reversed(list(re.finditer(token, out))):
            before = _STOP.split(out[: found.start()])[-1].split()[-3:]
            after = _STOP.split(out[found.end() :])[0].split()[:3]
            if not before and not after:
                continue
            rx = r"\s+".join([*map(re.escape, before), capture, *map(re.escape, after)])
            seen = re.search(rx, paste)
            if seen:
                value = found.group(0).replace(found.group(0).strip("\"'[]()"), seen[1])
                if token == r"\(\.\.\.\)":
                    value = f"({seen[1]})"
                elif token == r"\[N\]":
                    value = f"[{seen[1]}]"
                out = out[: found.start()] + value + out[found.end() :]
            elif neutral:
                out = out[: found.start()] + neutral + out[found.end() :]
    return out


def verdict_words(m: Match) -> tuple[str, str, str]:
    """(label, detail, style key) of the version verdict for the user's version."""
    v = m.verdict
    e = m.entry
    source = f" (version from {describe_source(m.version_source)})" if m.version_source else ""
    if not e.affected:
        return "not version-specific", "any uvicorn release can hit it", "any"
    if v.status == "unknown" and v.version is None:
        ranges = ", ".join(a.specifier for a in e.affected)
        return (
            "version verdict unknown",
            f"the paste shows no {v.package} version (affected: {ranges}); "
            "pass --uvicorn-version X.Y.Z",
            "unknown",
        )
    if v.status == "fixed" and e.kind not in VERSIONED_KINDS:
        # A misuse the release now refuses clearly: the fix is still on the user's side.
        return (
            "your version reports this clearly",
            f"{v.reason}; the fix below is still needed{source}",
            "fixed",
        )
    label = {
        "affected": "affected",
        "fixed": "your version has the fix",
        "not-affected": "not affected",
        "unknown": "version verdict unknown",
    }[v.status]
    return label, v.reason + source, v.status


def verdict_short(m: Match) -> str:
    """The verdict in two or three words, for the closing line."""
    v = m.verdict
    if not m.entry.affected:
        return "not version-specific"
    if v.version is None:
        # the paste's wording can settle it without a version number
        return {"affected": "affected", "not-affected": "not affected"}.get(
            v.status, "version unknown"
        ) + (" (by the paste's wording)" if v.status != "unknown" else "")
    if v.status == "fixed" and m.entry.kind not in VERSIONED_KINDS:
        return f"reported clearly by {v.version}"
    return {
        "affected": f"affected ({v.version})",
        "fixed": f"fixed in your {v.version}",
        "not-affected": f"not affected ({v.version})",
        "unknown": f"verdict unknown ({v.version})",
    }[v.status]


def fix_short(m: Match) -> str:
    if not m.fixes:
        return f"see doctor show {m.entry.id}"
    fix = m.fixes[0]
    if fix.type == "upgrade" and m.entry.fixed_in:
        return f"upgrade to >= {m.entry.fixed_in}"
    title = fix.title
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        title = title[0].lower() + title[1:]
    return title


def summary_line(matches: tuple[Match, ...] | list[Match]) -> str:
    """``1 known failure: ssl-with-reload-crash — affected (0.7.2) — upgrade to >= 0.8.1``"""
    if len(matches) == 1:
        m = matches[0]
        return f"1 known failure: {m.entry.id} — {verdict_short(m)} — {fix_short(m)}"
    parts = "; ".join(f"{m.entry.id} — {verdict_short(m)} — {fix_short(m)}" for m in matches)
    return f"{len(matches)} known failures fit: {parts}"


def _fix_notes(doc: Doc, entry_id: str, fix: Fix, *, explain: bool) -> None:
    if explain and fix.when_not:
        doc.prose(f"When not to use it: {fix.when_not}", BODY)
    if fix.verified_by:
        runs = f"; `doctor show {entry_id}` lists the runs" if explain else ""
        doc.prose(
            f"Tested: the repro applies it ({fix.verified_by}) and the failure is gone{runs}.",
            BODY,
        )
    elif explain and fix.unverified:
        doc.prose(f"Not run here: {fix.unverified}", BODY)


def _fix(doc: Doc, n: int, entry_id: str, fix: Fix, *, explain: bool, first: bool) -> None:
    label = f"{INDENT}fix: " if first else f"{INDENT}fix {n}: "
    head = Text(label)
    head.append(fix.title, style="bold" if doc.styled else None)
    head.append(f"  [{fix.type}]")
    doc.add(head)
    doc.md(fix.body, BODY)
    _fix_notes(doc, entry_id, fix, explain=explain)


def _hit_lines(
    m: Match, result: MatchResult, paste: str | None = None
) -> list[tuple[str, list[str]]]:
    """Each signature that fired: its description and the paste lines it matched,
    one output line per paste line (as the user pasted it, ``INFO:`` and all, when
    ``paste`` is given)."""
    text_lines = result.parsed.text.splitlines()
    raw_lines: list[str] = []
    if paste is not None:
        from troubleshoot.parse.normalise import clean_text

        raw_lines = clean_text(paste).split("\n")

    def as_pasted(n: int, line: str) -> str:
        raw = raw_lines[n] if n < len(raw_lines) else ""
        return raw.rstrip() if line.strip() and line.strip() in raw else line.rstrip()

    out = []
    for hit in m.hits:
        sig = hit.signature
        where = f"line {hit.line_no}" if hit.line_no else "the paste"
        shown: list[str] = []
        if sig.kind in ("log", "text") and hit.line_no:
            want = " ".join(hit.excerpt.rstrip("…").split())
            seen = ""
            for n, line in enumerate(
                text_lines[hit.line_no - 1 : hit.line_no + 7], hit.line_no - 1
            ):
                shown.append(as_pasted(n, line))
                seen = " ".join(f"{seen} {line}".split())
                if want in seen or len(seen) >= len(want):
                    break
            if len(shown) > 1:
                where = f"lines {hit.line_no}-{hit.line_no + len(shown) - 1}"
        else:
            shown = [hit.excerpt]
        how = {"record": "", "line": " (inside a line)", "bare": " (the message alone)"}[hit.how]
        out.append((f"{sig.kind} signature {sig.id!r}, {where}{how}:", shown))
    return out


def _upstream(m: Match) -> list[str]:
    from troubleshoot.render.links import upstream_lines

    repo = m.entry.upstream.repo
    return [
        f"{line}: https://github.com/{repo}/commit/{line.split()[1]}"
        if line.startswith("commit ") and len(line.split()) == 2
        else line
        for line in upstream_lines(m.entry)
    ]


def _match(
    doc: Doc,
    m: Match,
    result: MatchResult,
    *,
    explain: bool,
    number: int | None = None,
    paste: str | None = None,
) -> None:
    e = m.entry
    head = Text(f"{number}. " if number else "")
    head.append(e.id, style="bold" if doc.styled else None)
    head.append(f": {title_for(e.title, result.parsed.text)}")
    doc.add(head)
    label, detail, key = verdict_words(m)
    verdict = Text(f"{INDENT}verdict: ")
    verdict.append(label, style=_STATUS_STYLE[key] if doc.styled else None)
    verdict.append(f" — {detail}")
    doc.lines.extend(_hanging(doc, verdict, INDENT + "  "))
    doc.add(f"{INDENT}confidence: {m.confidence} ({m.score:.2f})")
    if not m.fixes:
        doc.add(f"{INDENT}fix: none recorded; see doctor show {e.id}")
    for n, fix in enumerate(m.fixes, 1):
        if n == 1 or explain:
            _fix(doc, n, e.id, fix, explain=explain, first=n == 1)
        else:
            doc.add(f"{INDENT}fix {n}: {fix.title}  [{fix.type}]")
    if not explain:
        return
    doc.add(f"{INDENT}what happens:")
    doc.md(m.variant.summary if m.variant else e.summary, BODY)
    doc.add(f"{INDENT}why it matched:")
    for described, shown in _hit_lines(m, result, paste):
        doc.prose(described, BODY, hanging=BODY + "  ")
        for line in shown:
            doc.add(BODY + "  " + line, code=True)
    for fact in m.confirmed:
        doc.prose(f"the paste shows {fact}, a condition of this failure", BODY)
    for note in m.skipped:
        doc.prose(note, BODY, hanging=BODY + "  ")
    doc.add(f"{INDENT}why it breaks:")
    doc.md(e.mechanism, BODY)
    if ups := _upstream(m):
        doc.add(f"{INDENT}upstream:")
        for line in ups:
            doc.add(BODY + line)


def _hanging(doc: Doc, text: Text, rest: str) -> list[Line]:
    return wrap(text, doc.console, doc.width, "", rest)


def separator_values(s: Separator, ids: list[str]) -> str:
    def word(value: bool | str) -> str:
        return ("yes" if value else "no") if isinstance(value, bool) else str(value)

    told = [f"{i}: {word(s.values[i])}" for i in ids if i in s.values]
    either = [i for i in ids if i not in s.values]
    if either and s.condition != "version":
        told.append(f"{', '.join(either)}: either")
    return "; ".join(told)


def open_separators(result: MatchResult) -> list[Separator]:
    """The separators the paste does not already answer."""
    shown: Mapping[str, bool | str] = paste_facts(result.parsed)
    return [s for s in result.separators if s.condition not in shown]


def build(
    result: MatchResult,
    console: Console,
    *,
    explain: bool = False,
    source: str | None = None,
    guided: bool = False,
    paste: str | None = None,
) -> Doc:
    """The report; ``paste`` (the text as given) shows matched lines as pasted."""
    doc = Doc(console)
    if not result.matches:
        _no_match(doc, result)
        return doc
    matches = result.matches
    separators = open_separators(result)
    if len(matches) > 1:
        doc.add(
            f"{len(matches)} known failures fit this paste"
            + (" (the first fits best):" if not separators else ":"),
            "bold",
        )
        for n, m in enumerate(matches, 1):
            doc.add(
                f"{INDENT}{n}. {m.entry.id} — {verdict_short(m)}, confidence {m.confidence} "
                f"({m.score:.2f})"
            )
        if separators:
            doc.add("What tells them apart:", "bold")
            ids = [m.entry.id for m in matches]
            for s in separators:
                doc.prose(f"• {s.question} ({separator_values(s, ids)})", INDENT, hanging=BODY)
            if not guided:
                doc.prose(
                    "Answer these in the guided mode (`doctor` on a terminal), or add the "
                    "fact to the paste.",
                    INDENT,
                )
        doc.blank()
    for n, m in enumerate(matches, 1):
        number = n if len(matches) > 1 else None
        _match(doc, m, result, explain=explain, number=number, paste=paste)
        doc.blank()
    if not explain:
        show = f"doctor show {matches[0].entry.id}"
        more = (
            f"More: {show} (why, every fix, evidence, links)"
            if guided
            else (f"More: --explain (why, every fix, links); {show}")
        )
        doc.prose(more, "", hanging=INDENT)
    doc.add(Text(summary_line(matches)), "bold")
    return doc


def _no_match(doc: Doc, result: MatchResult) -> None:
    # the answer first: what it likely is and the one fact that would confirm it
    for m in result.likely:
        doc.add(
            f"Likely, not confirmed: {m.entry.id} ({m.score:.2f}): "
            f"{title_for(m.entry.title, result.parsed.text)}"
        )
        doc.prose(f"What would confirm it: {m.confirm}", INDENT, hanging=BODY)
        doc.add(f"{INDENT}See: doctor show {m.entry.id}", "dim")
    headline = "No confirmed match." if result.likely else "No known uvicorn failure"
    if not result.likely:
        headline += " matches this paste."
    doc.add(headline, "bold yellow")
    doc.add("The paste was read as:")
    for line in describe_parsed(result):
        lead = INDENT + " " * (len(line) - len(line.lstrip()))
        doc.prose(line, lead, hanging=lead + "  ")
    if result.below_threshold:
        near = ", ".join(f"{i} ({s:.2f})" for i, s in result.below_threshold)
        doc.prose(f"Weak partial matches, not reported: {near}", "", hanging=INDENT)
    doc.add("Try `doctor search WORDS` to look through the knowledge base by text.")
    doc.blank()
    if result.likely:
        m = result.likely[0]
        doc.add(
            f"0 confirmed failures; likely {m.entry.id} ({m.confidence}, {m.score:.2f}) — "
            f"{verdict_short(m)} — {fix_short(m)}",
            "bold",
        )
    else:
        doc.add(f"0 known failures: {result.read_as()}", "bold")


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


def render(
    result: MatchResult,
    console: Console,
    *,
    explain: bool = False,
    source: str | None = None,
    guided: bool = False,
) -> None:
    build(result, console, explain=explain, source=source, guided=guided).print()

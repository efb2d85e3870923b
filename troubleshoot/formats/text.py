"""``--format text``: plain lines, the answer first, for a person in a hurry.

The first line is the verdict (``FAILED``, ``OK``, ``NOT CHECKED``), then one
block per failing or below-threshold finding (id never cut, the fix, where it
is reached), then one line each for what was not reached, the entries that are
not a question of the version, ignores and what could not be evaluated; the
last line repeats the verdict with the counts. Lines are never wrapped; colour
only on a terminal.
"""

from __future__ import annotations

from troubleshoot.formats.interface import (
    BLIND_HINT,
    Format,
    advisory_text,
    reach_text,
    setup_line,
    summary_line,
    verdict_word,
)
from troubleshoot.report.model import Finding, Report

_STYLE = {
    "FAIL": "1;31",
    "warn": "33",
    "FAILED": "1;31",
    "OK": "1;32",
    "NOT CHECKED": "1;33",
    "dim": "2",
}


class TextFormat(Format):
    name = "text"

    def _paint(self, text: str, style: str) -> str:
        return f"\x1b[{_STYLE[style]}m{text}\x1b[0m" if self.color else text

    def render(self, report: Report) -> str:
        out = [self._headline(report)]
        if report.blind is not None:
            out.append(f"  {BLIND_HINT}")
        for ig in report.expired_ignores:
            when = ig.expires.isoformat() if ig.expires else "?"
            out.append(
                self._paint(
                    f"EXPIRED IGNORE: {ig.entry_id} expired on {when} ({ig.origin}); "
                    f"it no longer applies. Reason was: {ig.reason}",
                    "FAIL",
                )
            )
        for f in sorted(report.findings, key=lambda f: not f.failing):
            out += self._finding(f)
        if report.unreached:
            ids = ", ".join(dict.fromkeys(f.entry_id for f in report.unreached))
            if self.detail:
                out.append("Affected, but the project does not reach them:")
                for f in report.unreached:
                    out.append(f"  {f.entry_id} ({f.package} {f.version}): {reach_text(f)}")
            else:
                n = len(report.unreached)
                out.append(
                    f"{n} affected entr{'y' if n == 1 else 'ies'} not reached by the project "
                    f"(--show-unreached says why): {ids}"
                )
        if line := setup_line(report):
            out.append(line)
        for i in report.ignored:
            until = f" until {i.ignore.expires.isoformat()}" if i.ignore.expires else ""
            pkg = f" ({i.finding.package} {i.finding.version})" if i.finding.package else ""
            out.append(
                f"Ignored: {i.finding.entry_id}{pkg}{until}: {i.ignore.reason} [{i.ignore.origin}]"
            )
        for u in report.unevaluated:
            where = f" [{u.location}]" if u.location else ""
            out.append(
                f"Not evaluated: {u.subject}{where}: {u.reason} (entries: {', '.join(u.entries)})"
            )
        for warning in report.warnings:
            out.append(f"warning: {warning}")
        checked = ", ".join(report.sources) or "nothing"
        launches = f"; launch commands read from {', '.join(report.launches)}"
        out.append(self._paint(f"Checked: {checked}{launches if report.launches else ''}", "dim"))
        word = verdict_word(report)
        out.append(self._paint(f"{word}: {summary_line(report)} (fail-on: {report.fail_on})", word))
        return "\n".join(out) + "\n"

    def _headline(self, report: Report) -> str:
        word = verdict_word(report)
        if report.blind is not None:
            text = f"{word}: {report.blind}"
        elif report.failing:
            n = len(report.failing)
            text = (
                f"{word}: {n} known failure{'s' if n != 1 else ''} at or above "
                f"{report.fail_on}: {', '.join(dict.fromkeys(f.entry_id for f in report.failing))}"
            )
        elif report.findings:
            text = f"{word}: nothing at or above {report.fail_on}; {len(report.findings)} below it"
        else:
            text = f"{word}: no known failure reached"
        return self._paint(text, word)

    def _finding(self, f: Finding) -> list[str]:
        mark = "FAIL" if f.failing else "warn"
        if f.package:
            what = f"{f.package} {f.version}"
            if f.fixed_in:
                what += f", fixed in {f.fixed_in}"
        else:
            what = str(f.location or "")
        lines = [f"{self._paint(mark, mark)} {f.severity} {f.entry_id} ({what})", f"  {f.title}"]
        if f.package and f.location:
            lines.append(f"  pinned at {f.location}")
        elif not f.package:
            lines.append(f"  {_what_matched(f)}")
        if adv := advisory_text(f):
            lines.append(f"  advisory: {adv}")
        if reach := reach_text(f):
            lines.append(f"  {reach}")
        lines.append(f"  fix: {f.fix}")
        return lines


def _what_matched(f: Finding) -> str:
    """A scan finding's message without the place and title the lines above show."""
    text = f.message
    if f.location is not None and text.startswith(f"{f.location}: "):
        text = text[len(f"{f.location}: ") :]
    if text.endswith(f" {f.title}."):
        text = text[: -len(f" {f.title}.")]
    return text


FORMAT = TextFormat

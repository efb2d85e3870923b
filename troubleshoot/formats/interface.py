"""The base each output format implements, and what the human-readable ones share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from troubleshoot.report.model import Finding, Report


class Format(ABC):
    """One output format. ``render`` returns the whole document as text."""

    name: ClassVar[str]

    def __init__(
        self, *, color: bool = False, width: int | None = None, detail: bool = False
    ) -> None:
        self.color = color
        self.width = width
        self.detail = detail  # list each unreached entry, not only their count

    @abstractmethod
    def render(self, report: Report) -> str:
        """The report as this format's text (ending in a newline)."""


def summary_line(report: Report) -> str:
    """One sentence of counts, shared by the human-readable formats."""
    if report.blind is not None:
        return f"nothing checked: {report.blind}"
    counts = [
        (len(report.failing), "failing"),
        (len(report.findings) - len(report.failing), "below --fail-on"),
        (len(report.unreached), "affected but not reached"),
        (len(report.ignored), "ignored"),
        (len(report.expired_ignores), "expired ignore"),
        (len(report.unevaluated), "not evaluated"),
    ]
    parts = [f"{n} {label}" for n, label in counts if n]
    checked = f"{len(report.rules)} KB entr{'y' if len(report.rules) == 1 else 'ies'} checked"
    return f"{checked}: " + (", ".join(parts) if parts else "no known problem found")


def verdict_word(report: Report) -> str:
    """The first word of the answer: OK, FAILED, or NOT CHECKED (exit 0, 1, 4)."""
    if report.blind is not None:
        return "NOT CHECKED"
    return "FAILED" if report.failed else "OK"


BLIND_HINT = (
    "Point check-env at what pins or installs uvicorn: -r FILE, --lock FILE or --python PATH."
)


def reach_text(finding: Finding) -> str:
    """``reached: Dockerfile:12 runs `uvicorn ... --reload```, or why it may or may not be."""
    if finding.reach is None:
        return ""
    label = {"reached": "reached", "possible": "possibly reached", "not-reached": "not reached"}
    return f"{label[finding.reach.status]}: {finding.reach.evidence}"


def reach_sentence(finding: Finding) -> str:
    """:func:`reach_text` as a sentence (capitalised, with a full stop); empty without reach."""
    text = reach_text(finding)
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def advisory_text(finding: Finding) -> str:
    """``PYSEC-2020-150 (CVE-2020-7694), severity MODERATE``; empty when there is none."""
    parts = []
    for a in finding.advisories:
        aliases = f" ({', '.join(a.aliases)})" if a.aliases else ""
        severity = f", severity {a.severity}" if a.severity else ""
        claims = f"; the advisory claims {a.claims}, the repro shows otherwise" if a.claims else ""
        seen = "; reproduced by the entry's repro" if a.reproduced else "; not reproduced here"
        parts.append(f"{a.id}{aliases}{severity}{seen}{claims}")
    return "; ".join(parts)


def setup_line(report: Report) -> str:
    """The one line about entries that are not a question of the version."""
    n = len(report.setup_entries)
    if not n:
        return ""
    return (
        f"{n} more entr{'y concerns' if n == 1 else 'ies concern'} code or setup, not a version: "
        "`doctor scan .` checks the code for them."
    )

"""The report every output format renders, and the base each format implements.

The model is shared by ``doctor check-env`` and ``doctor scan``: a
:class:`Finding` names a KB entry, its severity and title, a message, a one-line
fix and optionally where (file, line, column). ``check-env`` fills ``package``,
``version`` and ``fixed_in``; ``scan`` fills ``location``.

Formatters turn a :class:`Report` into text. They never decide the exit code:
``Report.failed`` (set by the service from ``--fail-on``) does, at the CLI edge.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from troubleshoot.shown import shown
from troubleshoot.vocab import Severity


def _safe(record: object, *names: str) -> None:
    """Make the named fields of a frozen record safe to show (troubleshoot.shown)."""
    for name in names:
        value = getattr(record, name)
        if isinstance(value, str):
            object.__setattr__(record, name, shown(value))
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            object.__setattr__(record, name, tuple(shown(v) for v in value))


@dataclass(frozen=True)
class Location:
    path: str
    line: int | None = None
    column: int | None = None

    def __post_init__(self) -> None:
        _safe(self, "path")

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Rule:
    """One KB entry that was checked (a SARIF rule, a JUnit test case)."""

    id: str
    title: str
    severity: Severity
    kind: str
    summary: str = ""
    url: str | None = None  # the canonical upstream issue


@dataclass(frozen=True)
class Finding:
    entry_id: str
    severity: Severity
    title: str
    message: str
    fix: str  # one line: the first applicable fix option's title
    location: Location | None = None
    failing: bool = False  # counts toward exit status 1 (severity at or above --fail-on)
    kind: str = ""  # the entry's kind
    url: str | None = None
    package: str | None = None
    version: str | None = None
    fixed_in: str | None = None

    def __post_init__(self) -> None:
        _safe(self, "title", "message", "fix", "package", "version", "fixed_in")


@dataclass(frozen=True)
class Ignore:
    """A user's decision to accept a finding: required reason, optional expiry."""

    entry_id: str
    reason: str
    expires: date | None = None  # stops applying on this day
    origin: str = "--ignore"  # "--ignore" or "pyproject.toml:12"

    def __post_init__(self) -> None:
        _safe(self, "entry_id", "reason", "origin")

    def active(self, today: date) -> bool:
        return self.expires is None or today < self.expires


@dataclass(frozen=True)
class Ignored:
    finding: Finding
    ignore: Ignore


@dataclass(frozen=True)
class Unevaluated:
    """Something the check could not decide, with the reason and the entries it blocks."""

    subject: str  # a package name (check-env) or a file (scan)
    reason: str
    location: Location | None = None
    entries: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _safe(self, "subject", "reason", "entries")


@dataclass(frozen=True)
class Report:
    command: str  # "check-env", "scan"
    fail_on: Severity
    rules: tuple[Rule, ...] = ()
    findings: tuple[Finding, ...] = ()
    advice: tuple[Finding, ...] = ()  # known pitfalls no release fixes: never fail the run
    ignored: tuple[Ignored, ...] = ()
    expired_ignores: tuple[Ignore, ...] = ()
    unevaluated: tuple[Unevaluated, ...] = ()
    warnings: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # what was checked
    context: Mapping[str, str] = field(default_factory=dict)  # e.g. the target's markers

    def __post_init__(self) -> None:
        _safe(self, "warnings", "sources")
        object.__setattr__(self, "context", {k: shown(v) for k, v in self.context.items()})

    @property
    def failing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.failing)

    @property
    def failed(self) -> bool:
        return any(f.failing for f in self.findings)


class Format(ABC):
    """One output format. ``render`` returns the whole document as text."""

    name: ClassVar[str]

    def __init__(self, *, color: bool = False, width: int | None = None) -> None:
        self.color = color
        self.width = width

    @abstractmethod
    def render(self, report: Report) -> str:
        """The report as this format's text (ending in a newline)."""


def summary_line(report: Report) -> str:
    """One sentence of counts, shared by the human-readable formats."""
    counts = [
        (len(report.failing), "failing"),
        (len(report.findings) - len(report.failing), "below --fail-on"),
        (len(report.advice), "advice"),
        (len(report.ignored), "ignored"),
        (len(report.expired_ignores), "expired ignore"),
        (len(report.unevaluated), "not evaluated"),
    ]
    parts = [f"{n} {label}" for n, label in counts if n]
    checked = f"{len(report.rules)} KB entr{'y' if len(report.rules) == 1 else 'ies'} checked"
    return f"{checked}: " + (", ".join(parts) if parts else "no known problem found")

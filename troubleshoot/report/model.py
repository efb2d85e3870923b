"""The report ``doctor check-env`` and ``doctor scan`` produce and every format renders.

A :class:`Finding` names a KB entry, its severity and title, a message, a
one-line fix and optionally where (file, line, column). ``check-env`` fills
``package``, ``version``, ``fixed_in``, ``reach`` and ``advisories``; ``scan``
fills ``location``.

The services own these records; formats (``troubleshoot.formats``) only read
them. Formats never decide the exit status: :func:`troubleshoot.report.policy.exit_code`
does, at the CLI edge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

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
    page: str | None = None  # the entry's own fix page, when the site's URL is known
    fix_title: str = ""  # the first fix option
    fix_body: str = ""  # its Markdown body


ReachStatus = Literal["reached", "possible", "not-reached"]


@dataclass(frozen=True)
class Reach:
    """Whether the project runs uvicorn the way an entry needs (its ``conditions``).

    ``reached``: every condition is seen to hold (``evidence`` says where);
    ``possible``: none is ruled out, some cannot be seen; ``not-reached``: one is
    ruled out (``evidence`` says why).
    """

    status: ReachStatus
    evidence: str
    where: Location | None = None  # the launch command that reaches it, when one does

    def __post_init__(self) -> None:
        _safe(self, "evidence")


@dataclass(frozen=True)
class AdvisoryRef:
    """A published advisory an entry carries: its id, aliases and stated severity."""

    id: str
    aliases: tuple[str, ...] = ()
    severity: str = ""
    url: str | None = None
    claims: str | None = None  # the advisory's own range, where execution showed another
    reproduced: bool = False  # the entry's repro showed it on an affected release

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)


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
    reach: Reach | None = None  # check-env: does the project run uvicorn the way it needs
    advisories: tuple[AdvisoryRef, ...] = ()
    snippet: str | None = None  # scan: the launch flagged, as written (stable across moves)

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
    # check-env: affected versions whose conditions the project rules out (never failing)
    unreached: tuple[Finding, ...] = ()
    # check-env: entries that concern code or setup, not a version (doctor scan checks code)
    setup_entries: tuple[str, ...] = ()
    ignored: tuple[Ignored, ...] = ()
    expired_ignores: tuple[Ignore, ...] = ()
    unevaluated: tuple[Unevaluated, ...] = ()
    warnings: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # what was checked
    context: Mapping[str, str] = field(default_factory=dict)  # e.g. the target's markers
    # What the check could not see, when that is everything it checks (exit status 4)
    blind: str | None = None
    launches: tuple[str, ...] = ()  # check-env: where the project's launch commands were read

    def __post_init__(self) -> None:
        _safe(self, "warnings", "sources", "blind", "launches")
        object.__setattr__(self, "context", {k: shown(v) for k, v in self.context.items()})

    @property
    def failing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.failing)

    @property
    def failed(self) -> bool:
        return any(f.failing for f in self.findings)

"""What a scenario decided, and why."""

from __future__ import annotations

from dataclasses import dataclass

from troubleshoot.evidence import Outcome

EXCERPT_LIMIT = 600


@dataclass(frozen=True)
class Verdict:
    """``outcome`` for the evidence; ``kind`` names what was observed (for bisect)."""

    outcome: Outcome
    kind: str  # short label, e.g. "pickle-sslcontext", "clean-error"
    reason: str  # one sentence a person can read
    excerpt: str = ""


def _trim(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EXCERPT_LIMIT else "..." + text[-EXCERPT_LIMIT:]


def reproduces(kind: str, reason: str, excerpt: str = "") -> Verdict:
    """The failure was observed."""
    return Verdict("reproduces", kind, reason, _trim(excerpt))


def fixed(kind: str, reason: str, excerpt: str = "") -> Verdict:
    """The correct behaviour was observed."""
    return Verdict("fixed", kind, reason, _trim(excerpt))


def not_applicable(reason: str) -> Verdict:
    """This server, platform or interpreter cannot run the scenario."""
    return Verdict("not-applicable", "not-applicable", reason)


def harness_error(reason: str, excerpt: str = "") -> Verdict:
    """The harness itself failed; says nothing about the server."""
    return Verdict("error", "error", reason, _trim(excerpt))

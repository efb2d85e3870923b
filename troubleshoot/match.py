"""Match a parsed paste against the knowledge base, and say why.

Scoring, per entry: every signature that fires contributes its weight, combined
as independent evidence (``1 - prod(1 - w)``). An entry is a candidate only if
all its ``required`` signatures fire and at least one *anchor* (an exception,
log or text signature) fires: stack frames alone never identify a failure,
since any application error passes through uvicorn's frames. Signatures that a
detected version cannot print (their ``versions`` range excludes it) are
skipped. Entries under ``min_score`` are not reported: we abstain rather than
guess.

Facts the paste itself settles (its platform, a frozen program's frames) count
as evidence for the entries whose ``conditions`` name them, and among close
candidates the ones the paste confirms come first: the same error text from a
frozen program is the freezer's doing before it is a version's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from troubleshoot.kbstore import Store
from troubleshoot.parse.model import Parsed
from troubleshoot.schema import CONDITIONS, Entry, Fix, Signature, Variant
from troubleshoot.sigkeys import literal_sets, word_sets, words
from troubleshoot.versions import Verdict, contains, fixes_for, variant_for, verdict

Confidence = Literal["high", "medium", "low"]
DEFAULT_MIN_SCORE = 0.5  # also the default of `paste-traceback --min-score`
# Two matches closer than this are ambiguous: say what separates them.
AMBIGUITY_GAP = 0.15
# Weight of one entry condition that the paste itself shows to hold.
FACT_WEIGHT = 0.6


@dataclass(frozen=True)
class Hit:
    signature: Signature
    line_no: int  # 1-based line of the paste, 0 when the signature spans the text
    excerpt: str

    def describe(self) -> str:
        where = f"line {self.line_no}" if self.line_no else "paste"
        return (
            f"{self.signature.kind} signature {self.signature.id!r} matched {where}: {self.excerpt}"
        )


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float
    hits: tuple[Hit, ...]
    verdict: Verdict
    version_source: str | None  # "paste" | "environment" | "answer" (guided mode) | None
    variant: Variant | None
    fixes: tuple[Fix, ...]
    skipped: tuple[str, ...] = ()  # signatures skipped because of the version
    confirmed: tuple[str, ...] = ()  # conditions the paste shows to hold

    @property
    def confidence(self) -> Confidence:
        if self.score >= 0.85:
            return "high"
        return "medium" if self.score >= 0.65 else "low"

    def why(self) -> list[str]:
        lines = [h.describe() for h in self.hits]
        lines += [f"the paste shows {fact}, a condition of this failure" for fact in self.confirmed]
        lines += self.skipped
        lines.append(
            f"version: {self.verdict.status} ({self.verdict.reason}"
            + (
                f", version from {describe_source(self.version_source)})"
                if self.version_source
                else ")"
            )
        )
        return lines


@dataclass(frozen=True)
class Separator:
    """A condition on which two close candidates disagree: ask the user about it."""

    condition: str
    question: str
    values: Mapping[str, bool | str]  # entry id -> what that entry requires


@dataclass(frozen=True)
class MatchResult:
    parsed: Parsed
    matches: tuple[Match, ...]
    separators: tuple[Separator, ...] = ()
    considered: int = 0  # candidate entries evaluated
    below_threshold: tuple[tuple[str, float], ...] = field(default=())


@functools.lru_cache(maxsize=8192)
def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _type_rx(exc_type: str) -> re.Pattern[str]:
    # Anchor at a dotted-name boundary: "TypeError" matches "builtins.TypeError",
    # never "MyTypeError".
    return _rx(rf"(?:^|\.)(?:{exc_type})$")


def _clip(text: str, width: int = 160) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


@functools.lru_cache(maxsize=8192)
def _needed_words(pattern: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(ws) for ws in word_sets(pattern))


@functools.lru_cache(maxsize=8192)
def _needed_literals(pattern: str) -> tuple[bool, tuple[tuple[tuple[str, ...], ...], ...]]:
    """(ignore case?, per alternative the clauses of literals any match satisfies)."""
    fold = bool(_rx(pattern).flags & re.IGNORECASE)
    sets = literal_sets(pattern)
    if fold:
        sets = tuple(
            tuple(tuple(piece.lower() for piece in clause) for clause in alt) for alt in sets
        )
    return fold, sets


def _has_literals(haystack: str, alternatives: tuple[tuple[tuple[str, ...], ...], ...]) -> bool:
    return any(
        all(any(piece in haystack for piece in clause) for clause in alt) for alt in alternatives
    )


# Escapes and flags that can match across a line break.
_CROSSES_LINES = re.compile(r"\\[sSWDnZA]|\(\?[a-z]*s|\[\^")
_NEGATED_WITH_NEWLINE = re.compile(r"\[\^((?:\\.|[^\]\\])*\\n(?:\\.|[^\]\\])*)\]")


@functools.lru_cache(maxsize=8192)
def _line_local(pattern: str) -> bool:
    """Can every match of ``pattern`` only span one line? (Conservative: no.)"""
    return not _CROSSES_LINES.search(_NEGATED_WITH_NEWLINE.sub("", pattern))


@dataclass(frozen=True)
class PasteView:
    """What the text signatures search, computed once per paste: its words, and its
    distinct lines (a log of many workers repeats the same traceback; a pattern
    confined to one line only needs to see each line once)."""

    words: frozenset[str]
    folded_text: str  # the paste, lower-cased, for case-insensitive literal checks
    distinct_text: str
    first_line: tuple[int, ...]  # distinct line index -> 1-based line in the paste
    log_messages: tuple[tuple[str, int], ...]  # distinct messages, with their first line

    @classmethod
    def of(cls, parsed: Parsed) -> PasteView:
        first: dict[str, int] = {}
        for number, line in enumerate(parsed.text.split("\n"), 1):
            first.setdefault(line, number)
        messages: dict[str, int] = {}
        for event in parsed.log_events:
            messages.setdefault(event.message, event.line_no)
        return cls(
            frozenset(paste_words(parsed)),
            parsed.text.lower(),
            "\n".join(first),
            tuple(first.values()),
            tuple(messages.items()),
        )


def _may_match(pattern: str, parsed: Parsed, view: PasteView) -> bool:
    """False when the paste lacks the words or literals every match of a text
    signature contains: a whole-text regex is the costly kind, run it only then."""
    needed = _needed_words(pattern)
    if needed and not any(ws <= view.words for ws in needed):
        return False
    fold, literals = _needed_literals(pattern)
    return not literals or _has_literals(view.folded_text if fold else parsed.text, literals)


def _fire(sig: Signature, parsed: Parsed, view: PasteView) -> Hit | None:
    if sig.kind == "exception" and sig.exc_type:
        type_rx = _type_rx(sig.exc_type)
        msg_rx = _rx(sig.message) if sig.message else None
        for exc in parsed.exceptions:
            if type_rx.search(exc.type) and (msg_rx is None or msg_rx.search(exc.message)):
                return Hit(sig, exc.line_no, _clip(f"{exc.type}: {exc.message}"))
    elif sig.kind == "log" and sig.pattern:
        rx = _rx(sig.pattern)
        for message, line_no in view.log_messages:
            if rx.search(message):
                return Hit(sig, line_no, _clip(message))
    elif sig.kind == "text" and sig.pattern:
        if not _may_match(sig.pattern, parsed, view):
            return None
        rx = _rx(sig.pattern, re.MULTILINE)
        if _line_local(sig.pattern):  # each distinct line once
            found = rx.search(view.distinct_text)
            if found:
                line_no = view.first_line[view.distinct_text.count("\n", 0, found.start())]
                return Hit(sig, line_no, _clip(found.group(0)))
        elif found := rx.search(parsed.text):
            line_no = parsed.text.count("\n", 0, found.start()) + 1
            return Hit(sig, line_no, _clip(found.group(0)))
    elif sig.kind == "frame" and sig.module:
        mod_rx = _rx(sig.module)
        fn_rx = _rx(sig.function) if sig.function else None
        for exc in parsed.exceptions:
            for frame in exc.frames:
                target = frame.module or frame.file
                if mod_rx.search(target) and (fn_rx is None or fn_rx.fullmatch(frame.function)):
                    return Hit(sig, exc.line_no, _clip(f"frame {target} in {frame.function}"))
    return None


def score_signatures(
    signatures: tuple[Signature, ...],
    parsed: Parsed,
    version: str | None,
    view: PasteView,
) -> tuple[float, tuple[Hit, ...], tuple[str, ...]] | None:
    """(score, hits, skipped-notes) of one entry's signatures, or None when the entry
    cannot match at all."""
    hits: list[Hit] = []
    skipped: list[str] = []
    for sig in signatures:
        if sig.kind == "code":
            continue
        if version is not None and sig.versions and contains(sig.versions, version) is False:
            skipped.append(
                f"signature {sig.id!r} not considered: only uvicorn {sig.versions} "
                f"prints it, the paste shows {version}"
            )
            continue
        hit = _fire(sig, parsed, view)
        if hit is None:
            if sig.required:
                return None
            continue
        hits.append(hit)
    if not any(h.signature.kind != "frame" for h in hits):
        return None
    miss = 1.0
    for hit in hits:
        miss *= 1.0 - hit.signature.weight
    return round(1.0 - miss, 4), tuple(hits), tuple(skipped)


def paste_words(parsed: Parsed) -> set[str]:
    """Every word a signature could match on: the (capped) text, and the records,
    which the parser keeps even when the text had to be cut."""
    found = words(parsed.text)
    for exc in parsed.exceptions:
        found |= words(f"{exc.type} {exc.message}")
    for event in parsed.log_events:
        found |= words(event.message)
    return found


def match(
    parsed: Parsed,
    store: Store,
    *,
    env_versions: Mapping[str, str] | None = None,
    marker_env: Mapping[str, str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int = 5,
) -> MatchResult:
    """Rank the KB entries that explain ``parsed``."""
    view = PasteView.of(parsed)
    facts = parsed.facts
    candidate_ids = store.candidates(set(view.words))
    # Score from the signature rows; only the entries that match are loaded whole.
    signatures = store.signatures(sorted(candidate_ids)) if candidate_ids else {}
    scores: dict[str, tuple[float, tuple[Hit, ...], tuple[str, ...]]] = {}
    below: list[tuple[str, float]] = []
    for entry_id, (package, sigs) in signatures.items():
        scored = score_signatures(sigs, parsed, parsed.versions.get(package.lower()), view)
        if scored is None:
            continue
        if scored[0] < min_score:  # facts confirm a match; they do not make one
            below.append((entry_id, scored[0]))
            continue
        scores[entry_id] = scored
    env_versions = {} if env_versions is None else env_versions  # may load lazily
    found: list[Match] = []
    for entry in store.entries(sorted(scores)) if scores else []:
        score, hits, skipped = scores[entry.id]
        package = entry.package.lower()
        version = parsed.versions.get(package) or env_versions.get(package)
        source = (
            "paste"
            if package in parsed.versions
            else "environment"
            if package in env_versions
            else None
        )
        confirmed = _confirmed(entry, facts)
        score = round(1.0 - (1.0 - score) * (1.0 - FACT_WEIGHT) ** len(confirmed), 4)
        versions = {package: version} if version else {}
        found.append(
            Match(
                entry=entry,
                score=score,
                hits=hits,
                verdict=verdict(entry, versions, marker_env),
                version_source=source,
                variant=variant_for(entry, version),
                fixes=tuple(fixes_for(entry, version)),
                skipped=skipped,
                confirmed=confirmed,
            )
        )
    top = _rank(found)[:limit]
    return MatchResult(parsed, top, separators(top, facts), len(signatures), tuple(sorted(below)))


def _confirmed(entry: Entry, facts: Mapping[str, bool | str]) -> tuple[str, ...]:
    return tuple(
        f"{name} = {value}" if isinstance(value, str) else f"{name} = {str(value).lower()}"
        for name, value in facts.items()
        if entry.conditions.get(name) == value
    )


def _rank(found: list[Match]) -> tuple[Match, ...]:
    """By score; within the close group at the top, confirmed facts first."""
    found = sorted(found, key=lambda m: (-m.score, m.entry.id))
    if not found:
        return ()
    close = [m for m in found if found[0].score - m.score <= AMBIGUITY_GAP]
    close.sort(key=lambda m: -len(m.confirmed))  # stable: by score within a tie
    return tuple(close + found[len(close) :])


def separators(
    matches: tuple[Match, ...], known: Mapping[str, bool | str] | None = None
) -> tuple[Separator, ...]:
    """Conditions that tell the close top candidates apart; what the paste already
    shows (``known``: the platform) and versions are detected, not asked."""
    if len(matches) < 2:
        return ()
    close = [m for m in matches if matches[0].score - m.score <= AMBIGUITY_GAP]
    if len(close) < 2:
        return ()
    out: list[Separator] = []
    for condition, question in CONDITIONS.items():
        if known and condition in known:
            continue
        values = {
            m.entry.id: m.entry.conditions[condition]
            for m in close
            if condition in m.entry.conditions
        }
        distinct = set(values.values())
        # It separates if the entries that care disagree, or only some care.
        if values and (len(distinct) > 1 or len(values) < len(close)):
            out.append(Separator(condition, question, values))
    by_version = _version_separator(close)
    return tuple(out) + ((by_version,) if by_version else ())


VERSION_QUESTION = "Which uvicorn version do you run (`pip show uvicorn`)?"


def _version_separator(close: list[Match]) -> Separator | None:
    """When no version is known and the close candidates affect different releases,
    the version tells them apart."""
    if any(m.verdict.version is not None for m in close):
        return None
    ranges = {
        m.entry.id: ", ".join(a.specifier for a in m.entry.affected) or "any release" for m in close
    }
    if len(set(ranges.values())) < 2:
        return None
    return Separator("version", VERSION_QUESTION, ranges)


def describe_source(source: str) -> str:
    return "your answer" if source == "answer" else f"the {source}"


def with_version(m: Match, version: str, marker_env: Mapping[str, str] | None = None) -> Match:
    """``m`` judged for a version the user gave (the paste showed none)."""
    from dataclasses import replace

    package = m.entry.package.lower()
    return replace(
        m,
        verdict=verdict(m.entry, {package: version}, marker_env),
        version_source="answer",
        variant=variant_for(m.entry, version),
        fixes=tuple(fixes_for(m.entry, version)),
    )


def narrow(result: MatchResult, answers: Mapping[str, bool | str]) -> tuple[Match, ...]:
    """Drop candidates whose conditions contradict the user's answers; a ``version``
    answer drops the entries that release is not affected by."""
    return tuple(
        m
        for m in result.matches
        if all(
            _version_fits(m, str(value))
            if cond == "version"
            else m.entry.conditions.get(cond, value) == value
            for cond, value in answers.items()
        )
    )


def _version_fits(m: Match, version: str) -> bool:
    found = verdict(m.entry, {m.entry.package.lower(): version})
    return found.status not in ("fixed", "not-affected")

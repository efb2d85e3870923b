"""Match a parsed paste against the knowledge base, and say why.

Scoring, per entry: every signature that fires contributes its weight, combined
as independent evidence (``1 - prod(1 - w)``); a message found alone (without its
exception type, see :mod:`troubleshoot.fire`) counts for ``BARE_FACTOR`` of its
weight. An entry is a candidate only if all its ``required`` signatures fire and
at least one *anchor* (an exception, log or text signature) fires: stack frames
alone never identify a failure, since any application error passes through
uvicorn's frames (a telling frame of a traceback cut before its exception line
makes a likely match, no more). Signatures that a detected version cannot print
(their ``versions`` range excludes it) are skipped.

Three answers, not two. A *match* scores at least ``min_score`` and rests on
evidence the paste shows. A *likely* match says what one fact would confirm it: it
scores between ``LIKELY_SCORE`` and ``min_score``, or rests only on a ``generic``
message (address in use, a pickling error, an event-loop error: other programs
print those too) in a paste that does not show uvicorn at all. When the paste shows
another server (werkzeug, hypercorn, ...) and not uvicorn, a generic message is that
server's, and nothing is claimed. Otherwise: no match, and the report says what the
paste was read as.

Facts the paste itself settles (its platform, a frozen program's frames) count
as evidence for the entries whose ``conditions`` name them, and among close
candidates the ones the paste confirms come first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from troubleshoot.conditions import CONDITIONS
from troubleshoot.fire import Hit, fire
from troubleshoot.kbcompile import FRAME_LEAD
from troubleshoot.kbstore import Store
from troubleshoot.parse.model import Parsed
from troubleshoot.pasteview import PasteView
from troubleshoot.schema import Entry, Fix, Signature, Variant
from troubleshoot.versions import Affectedness, contains, fixes_for, variant_for, verdict

Confidence = Literal["high", "medium", "low"]
Tier = Literal["match", "likely"]
DEFAULT_MIN_SCORE = 0.5  # also the default of `paste-traceback --min-score`
# A candidate scoring at least this (but under min_score) is reported as likely.
LIKELY_SCORE = 0.4
# What a message found without its exception type counts for.
BARE_FACTOR = 0.85
# A generic-only match in a paste that does not show uvicorn scores at most this.
UNINVOLVED_CAP = 0.45
# Two matches closer than this are ambiguous: say what separates them.
AMBIGUITY_GAP = 0.15
# Weight of one entry condition that the paste itself shows to hold.
FACT_WEIGHT = 0.6


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float
    hits: tuple[Hit, ...]
    verdict: Affectedness
    # "paste" | "option" (--uvicorn-version) | "environment" | "answer" (guided mode)
    # | "wording" (the releases whose messages the paste shows) | None
    version_source: str | None
    variant: Variant | None
    fixes: tuple[Fix, ...]
    skipped: tuple[str, ...] = ()  # signatures skipped because of the version
    confirmed: tuple[str, ...] = ()  # conditions the paste shows to hold
    tier: Tier = "match"
    confirm: str | None = None  # for a likely match: the one fact that would confirm it
    # the yes/no question the guided mode asks for it, and the answer that confirms it
    confirm_question: tuple[str, bool] | None = None

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
    likely: tuple[Match, ...] = ()  # candidates that one more fact would confirm
    involved: tuple[str, ...] = ()  # why the paste shows uvicorn (empty: it does not)
    foreign: tuple[str, ...] = ()  # other servers the paste shows

    def read_as(self) -> str:
        """What the paste was read as, in one sentence (for a no-match answer)."""
        p = self.parsed
        parts = []
        complete = [e for e in p.exceptions if e.complete and e.type]
        if complete:
            last = complete[-1]
            parts.append(f"{len(complete)} exception(s), the last {last.type}: {last.message[:80]}")
        if cut := [e for e in p.exceptions if not e.complete]:
            parts.append(f"{len(cut)} traceback(s) cut before the exception line")
        if p.log_events:
            parts.append(f"{len(p.log_events)} log line(s)")
        if p.versions:
            parts.append(", ".join(f"{k} {v}" for k, v in sorted(p.versions.items())))
        shows = "shows uvicorn" if self.involved else "does not show uvicorn"
        if self.foreign:
            shows += f"; it shows {', '.join(self.foreign)}"
        return ("; ".join(parts) or "no exception or log line") + f" ({shows})"


def score_signatures(
    signatures: tuple[Signature, ...],
    view: PasteView,
    version: str | None,
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
        hit = fire(sig, view)
        if hit is None:
            if sig.required:
                return None
            continue
        hits.append(hit)
    if not hits:
        return None
    miss = 1.0
    for hit in hits:
        miss *= 1.0 - hit.signature.weight * (BARE_FACTOR if hit.how == "bare" else 1.0)
    return round(1.0 - miss, 4), tuple(hits), tuple(skipped)


def _generic_only(hits: tuple[Hit, ...]) -> bool:
    return all(h.signature.generic for h in hits if h.signature.kind != "frame")


def _anchored(hits: tuple[Hit, ...]) -> bool:
    """Stack frames alone never make a match: any app error passes through them."""
    return any(h.signature.kind != "frame" for h in hits)


def _frame_lead(hits: tuple[Hit, ...], parsed: Parsed) -> bool:
    """A traceback cut before its exception line, through a frame that tells."""
    cut = any(not e.complete for e in parsed.exceptions)
    return cut and max(h.signature.weight for h in hits) >= FRAME_LEAD


def _elsewhere(view: PasteView) -> bool:
    """The paste shows where its error came from, and it is not uvicorn: another
    server, or a whole traceback without a uvicorn frame."""
    if view.involved:
        return False
    whole = any(e.complete and e.type and e.frames for e in view.parsed.exceptions)
    return bool(view.foreign) or whole


def match(
    parsed: Parsed,
    store: Store,
    *,
    env_versions: Mapping[str, str] | None = None,
    marker_env: Mapping[str, str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int = 5,
) -> MatchResult:
    """Rank the KB entries that explain ``parsed``: matches, then likely ones."""
    view = PasteView.of(parsed)
    facts = parsed.facts
    candidate_ids = store.candidates(set(view.words))
    # Score from the signature rows; only the entries that match are loaded whole.
    signatures = store.signatures(sorted(candidate_ids)) if candidate_ids else {}
    scores: dict[str, tuple[float, tuple[Hit, ...], tuple[str, ...]]] = {}
    below: list[tuple[str, float]] = []
    for entry_id, (package, sigs) in signatures.items():
        scored = score_signatures(sigs, view, parsed.versions.get(package.lower()))
        if scored is None:
            continue
        if not _anchored(scored[1]) and not _frame_lead(scored[1], parsed):
            continue  # frames of a cut traceback can point at a failure; of a whole one, not
        if _generic_only(scored[1]) and _elsewhere(view):
            continue  # another program's own error
        if scored[0] < LIKELY_SCORE:  # facts confirm a match; they do not make one
            below.append((entry_id, scored[0]))
            continue
        scores[entry_id] = scored
    env_versions = {} if env_versions is None else env_versions  # may load lazily
    found: list[Match] = []
    for entry in store.entries(sorted(scores)) if scores else []:
        judged = _judge(
            entry,
            scores[entry.id],
            view,
            env_versions=env_versions,
            marker_env=marker_env,
            min_score=min_score,
        )
        found.append(judged)
    ranked = _rank(found)
    top = tuple(m for m in ranked if m.tier == "match")[:limit]
    likely = tuple(m for m in ranked if m.tier == "likely")
    below += [(m.entry.id, m.score) for m in likely[limit:]]
    top, likely = _by_wording(top, likely[:limit], view=view, store=store, marker_env=marker_env)
    return MatchResult(
        parsed,
        top,
        separators(top, facts),
        len(signatures),
        tuple(sorted(below)),
        likely,
        view.involved,
        view.foreign,
    )


def _by_wording(
    *reported: tuple[Match, ...],
    view: PasteView,
    store: Store,
    marker_env: Mapping[str, str] | None,
) -> tuple[tuple[Match, ...], ...]:
    """The reported candidates whose version is unknown, judged over the releases
    whose wording the paste shows (troubleshoot.wording); the catalog is read only
    when one needs it."""

    def open_(m: Match) -> bool:
        return (
            m.verdict.version is None
            and bool(m.entry.affected)
            and m.entry.package.lower() == "uvicorn"
        )

    if store.kb_dir is None or not any(open_(m) for group in reported for m in group):
        return reported
    from troubleshoot.wording import judged, wording

    found = wording(view, store.kb_dir)
    if found is None:
        return reported
    return tuple(
        tuple(
            replace(m, verdict=judged(m.entry, found, marker_env), version_source="wording")
            if open_(m)
            else m
            for m in group
        )
        for group in reported
    )


def _judge(
    entry: Entry,
    scored: tuple[float, tuple[Hit, ...], tuple[str, ...]],
    view: PasteView,
    *,
    env_versions: Mapping[str, str],
    marker_env: Mapping[str, str] | None,
    min_score: float,
) -> Match:
    """One candidate entry as a Match: its score with the paste's facts, its tier,
    and the verdict for the version the paste (or the environment) shows."""
    parsed = view.parsed
    score, hits, skipped = scored
    package = entry.package.lower()
    version = parsed.versions.get(package) or env_versions.get(package)
    source = (
        "paste"
        if package in parsed.versions
        else "environment"
        if package in env_versions
        else None
    )
    confirmed = _confirmed(entry, parsed.facts)
    score = round(1.0 - (1.0 - score) * (1.0 - FACT_WEIGHT) ** len(confirmed), 4)
    # generic evidence without uvicorn, or any evidence where only another server shows
    uninvolved = not view.involved and (_generic_only(hits) or bool(view.foreign))
    weak = scored[0] < min_score or not _anchored(hits)
    tier: Tier = "likely" if uninvolved or weak else "match"
    if tier == "likely":  # facts confirm a match; they do not make one
        score = min(scored[0], UNINVOLVED_CAP) if uninvolved else scored[0]
    versions = {package: version} if version else {}
    return Match(
        entry=entry,
        score=score,
        hits=hits,
        verdict=verdict(entry, versions, marker_env),
        version_source=source,
        variant=variant_for(entry, version),
        fixes=tuple(fixes_for(entry, version)),
        skipped=skipped,
        confirmed=confirmed,
        tier=tier,
        **(_what_confirms(entry, parsed, uninvolved) if tier == "likely" else {}),
    )


FROM_UVICORN = "Did this output come from a uvicorn server (or uvicorn.run)?"


def _what_confirms(entry: Entry, parsed: Parsed, uninvolved: bool) -> dict[str, Any]:
    """The one fact that would turn a likely match into a match (``confirm``), and the
    yes/no question that asks it (``confirm_question``), when there is one."""
    if uninvolved:
        return {
            "confirm": "that this output comes from uvicorn: the paste shows no uvicorn "
            "frame, log line or command, and other programs print this message too",
            "confirm_question": (FROM_UVICORN, True),
        }
    for name, value in entry.conditions.items():
        if name in parsed.facts or name not in CONDITIONS:
            continue
        if isinstance(value, bool):
            return {"confirm": CONDITIONS[name], "confirm_question": (CONDITIONS[name], value)}
        question = f"Did it run on {value}?"
        return {"confirm": question, "confirm_question": (question, True)}
    if any(not e.complete for e in parsed.exceptions):
        return {"confirm": "the end of the traceback: the exception line the paste was cut before"}
    return {"confirm": "more of the log around these lines: the traceback or the lines before it"}


def confirmed(m: Match) -> Match:
    """A likely match whose confirming fact the user gave: a match."""
    return replace(m, tier="match", confirm=None, confirm_question=None)


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
    if source == "option":
        return "--uvicorn-version"
    if source == "wording":
        return "the paste's wording"
    return "your answer" if source == "answer" else f"the {source}"


def with_version(
    m: Match,
    version: str,
    marker_env: Mapping[str, str] | None = None,
    *,
    source: str = "answer",
) -> Match:
    """``m`` judged for a version the user gave (in the guided mode's answer, or
    ``--uvicorn-version``: ``source="option"``); a version the paste shows wins."""
    if m.version_source == "paste":
        return m
    package = m.entry.package.lower()
    return replace(
        m,
        verdict=verdict(m.entry, {package: version}, marker_env),
        version_source=source,
        variant=variant_for(m.entry, version),
        fixes=tuple(fixes_for(m.entry, version)),
    )


def keep_answered(result: MatchResult, answers: Mapping[str, bool | str]) -> tuple[Match, ...]:
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


# What a paste shows about how uvicorn was started: the guided mode does not ask it,
# and the text report does not list it as what would tell candidates apart.
_SHOWN: tuple[tuple[str, bool, str], ...] = (
    (
        "reload",
        True,
        r"--reload\b|\breload\s*=\s*True\b|Started reloader process|"
        r"\b(?:WatchFiles|StatReload|WatchGod) detected (?:file )?changes?|"
        r"Will watch for changes in these directories",
    ),
    ("workers", True, r"--workers[ =]+(?:[2-9]|\d{2,})\b|\bworkers\s*=\s*(?:[2-9]|\d{2,})\b"),
    ("ssl", True, r"--ssl-(?:keyfile|certfile)\b|Uvicorn running on https://"),
    ("gunicorn", True, r"uvicorn\.workers\.Uvicorn\w*Worker|/gunicorn/arbiter\.py"),
    ("programmatic", True, r"\buvicorn\.run\("),
    ("app_object", True, r"\buvicorn\.run\(\s*[A-Za-z_][\w.]*\s*[,)]"),
    ("app_object", False, r"\buvicorn\.run\(\s*[\"'][\w.]+:[\w.]+[\"']"),
)


def paste_facts(parsed: Parsed) -> dict[str, bool | str]:
    """``parsed.facts`` and the start-up options the paste's own lines show (a command
    with ``--reload``, a ``WatchFiles detected changes`` line, ``uvicorn.run(app,
    workers=4)`` in a traceback): facts a user is not asked again."""
    import re

    found: dict[str, bool | str] = dict(parsed.facts)
    for condition, value, pattern in _SHOWN:
        if condition not in found and re.search(pattern, parsed.text):
            found[condition] = value
    return found

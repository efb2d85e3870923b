"""Corpus positives x mutations, and how the matcher answers each case.

Shared by tests/test_match_robustness.py and bench/robustness_matrix.py. The
acceptance rule: the expected entry ranked first, or nothing reported (an
abstention), or a first answer of tier "likely" with the expected entry among the
answers. Never another entry first with tier "match".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tests.corpus.mutate import MUTATIONS, Mutation, apply, command_of, with_command
from tests.corpus_util import CORPUS, Sample, samples

# first: the expected entry first; likely: a likely answer first, the expected
# entry among the answers; abstain: nothing reported. The two failures: wrong:
# another entry first with tier "match"; missed: only likely answers, none of them
# the expected entry.
# shared: the mutation left only evidence another entry owns, and that entry (the
# one listed in SHARED_EVIDENCE for the case, no other) is the answer.
Kind = Literal["first", "likely", "abstain", "shared", "missed", "wrong"]
KINDS: tuple[Kind, ...] = ("first", "likely", "abstain", "shared", "missed", "wrong")
ACCEPTED = frozenset({"first", "likely", "abstain", "shared"})

_NEVER_AWAITED = (
    "running-event-loop",
    "the cut drops the loop_factory TypeError; what stays, `coroutine 'Server.serve' was "
    "never awaited` under uvicorn's asyncio.run frames, is that entry's evidence too",
)
_ONE_UPGRADE_WARNING = (
    "websocket-unsupported-upgrade",
    "the cut keeps a single `Unsupported upgrade request.` line, which a WebSocket handshake "
    "without a WebSocket library logs too; the repeated lines and the 400 are cut",
)
# Cases where what the mutation keeps is, line for line, another entry's own evidence:
# that entry is a right reading of the text that is left. Each names the one entry
# allowed; any other answer still fails.
SHARED_EVIDENCE: dict[str, tuple[str, str]] = {
    "programmatic-reload-without-main-guard/gh-1045-macos-address-in-use.txt::last-1": (
        "address-already-in-use",
        "the last line alone is the bind error; the reloader start line before it, which "
        "makes it a second server in a child, is cut",
    ),
    "pyinstaller-frozen-app/gh-remote-play-21-windows-logging.txt::tail-third": (
        "logging-018-regressions",
        "the cut drops the frozen program's frames; `No module named 'uvicorn.logging'` "
        "is what uvicorn 0.18.0-0.18.1 print",
    ),
    "running-event-loop/0.54.0-import-time-loop-workers.txt::tail-third": (
        "workers-restart-loop",
        "the cut drops the RuntimeError; a worker failing at start is what stays",
    ),
    "wsgi-app-served-as-asgi/0.54.0-wsgi-callable.txt::tail-third": (
        "lifespan-unsupported-auto",
        "the cut drops the start_response TypeError; `ASGI 'lifespan' protocol appears "
        "unsupported.` is what stays",
    ),
    "uvicornworker-uvloop-missing/gh-816-gunicorn-auto-no-extras.txt::last-1": (
        "uvloop-on-windows",
        "the last line alone is `No module named 'uvloop'`; the gunicorn command naming "
        "UvicornWorker is cut",
    ),
    "uvicornworker-uvloop-missing/gh-795-gunicorn-missing-uvloop.txt::head-third": (
        "uvloop-on-windows",
        "the cut drops the gunicorn and UvicornWorker frames; uvicorn's loop setup failing "
        "in its importer is what stays",
    ),
    "proxy-connection-upgrade/0.18.3-h11-connection-upgrade.txt::last-5": _ONE_UPGRADE_WARNING,
    "proxy-connection-upgrade/gh-python-socketio-686-nginx-polling.txt::last-1": (
        _ONE_UPGRADE_WARNING
    ),
    "app-factory-without-factory-flag/0.55.0-factory-raising-typeerror.txt::tail-third": (
        "lifespan-unsupported-auto",
        "the cut drops the TypeError; `ASGI 'lifespan' protocol appears unsupported.` (the "
        "factory function, taken for an ASGI 2 app, fails the lifespan call too) is what stays",
    ),
    "nest-asyncio-in-thread/0.35.0-apply-then-thread-uvloop.txt::last-5": (
        "running-event-loop",
        "the cut drops the nest_asyncio frames; a loop error and `coroutine 'Server.serve' "
        "was never awaited` are what stays, that entry's evidence too",
    ),
    "nest-asyncio-loop-factory/0.36.0-apply-before-import.txt::tail-third": _NEVER_AWAITED,
    "nest-asyncio-loop-factory/0.54.0-apply-before-import.txt::tail-third": _NEVER_AWAITED,
    "nest-asyncio-loop-factory/gh-buddy2api-76-pycharm-windows.txt::tail-third": _NEVER_AWAITED,
}


@dataclass(frozen=True)
class Case:
    sample: Sample
    mutation: Mutation
    text: str  # the mutated paste

    @property
    def paste(self) -> str:
        """``<entry>/<file>``."""
        return str(self.sample.path.relative_to(CORPUS / "pastes"))

    @property
    def id(self) -> str:
        return f"{self.paste}::{self.mutation.name}"


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    answers: tuple[tuple[str, str, float], ...]  # (entry id, tier, score), best first

    @property
    def ok(self) -> bool:
        return self.kind in ACCEPTED

    def describe(self) -> str:
        got = ", ".join(f"{i} ({t} {s:.2f})" for i, t, s in self.answers[:3]) or "nothing"
        return f"{self.kind}: {got}"


def positives() -> list[Sample]:
    return [s for s in samples("pastes") if s.expect]


# every mutation's name, in the order of the report (prompt-command with the prompts)
NAMES = [m.name for m in MUTATIONS]
NAMES.insert(NAMES.index("prompt-powershell") + 1, "prompt-command")


def mutations_for(sample: Sample) -> tuple[Mutation, ...]:
    """Every mutation, and ``prompt-command`` when the paste's header gives the
    command that produced it."""
    command = command_of(sample.meta.get("command", ""))
    return MUTATIONS + ((with_command(command),) if command else ())


def cases(sample_list: list[Sample] | None = None) -> list[Case]:
    """Every (positive, mutation) pair where the mutation changes the paste."""
    out = []
    for sample in positives() if sample_list is None else sample_list:
        for mutation in mutations_for(sample):
            text = apply(mutation, sample.text)
            if text is not None:
                out.append(Case(sample, mutation, text))
    return out


def answers(result: object) -> tuple[tuple[str, str, float], ...]:
    """The reported answers, best first: the matches, then the likely ones (a result
    may keep them apart, or hold both in ``matches`` with a ``tier`` each)."""
    ranked = list(getattr(result, "matches", ()))
    ranked += [m for m in getattr(result, "likely", ()) if m not in ranked]
    return tuple((m.entry.id, getattr(m, "tier", "match"), float(m.score)) for m in ranked)


def judge(result: object, expected: str, shared: str | None = None) -> Outcome:
    got = answers(result)
    if not got:
        return Outcome("abstain", got)
    first_id, first_tier, _ = got[0]
    if first_id == expected:
        return Outcome("first" if first_tier == "match" else "likely", got)
    if shared is not None and first_id == shared:
        return Outcome("shared", got)
    if first_tier == "likely":
        return Outcome("likely" if expected in {i for i, _, _ in got} else "missed", got)
    return Outcome("wrong", got)


def run(case: Case, store: object) -> Outcome:
    from troubleshoot.diagnose import diagnose
    from troubleshoot.kbstore import Store

    assert isinstance(store, Store)
    assert case.sample.expect
    shared = SHARED_EVIDENCE.get(case.id, (None, ""))[0]
    return judge(diagnose(case.text, store, use_environment=False), case.sample.expect, shared)

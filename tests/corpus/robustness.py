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
Kind = Literal["first", "likely", "abstain", "missed", "wrong"]
KINDS: tuple[Kind, ...] = ("first", "likely", "abstain", "missed", "wrong")
ACCEPTED = frozenset({"first", "likely", "abstain"})


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


def judge(result: object, expected: str) -> Outcome:
    got = answers(result)
    if not got:
        return Outcome("abstain", got)
    first_id, first_tier, _ = got[0]
    if first_id == expected:
        return Outcome("first" if first_tier == "match" else "likely", got)
    if first_tier == "likely":
        return Outcome("likely" if expected in {i for i, _, _ in got} else "missed", got)
    return Outcome("wrong", got)


def run(case: Case, store: object) -> Outcome:
    from troubleshoot.diagnose import diagnose
    from troubleshoot.kbstore import Store

    assert isinstance(store, Store)
    assert case.sample.expect
    return judge(diagnose(case.text, store, use_environment=False), case.sample.expect)

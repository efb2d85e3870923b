"""Reading the test corpora: `## key: value` header lines, then the text as captured."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True)
class Sample:
    path: Path
    meta: dict[str, str]
    text: str

    @property
    def expect(self) -> str | None:
        value = self.meta.get("expect", "none").strip()
        return None if value == "none" else value


def load(path: Path) -> Sample:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    meta: dict[str, str] = {}
    index = 0
    while index < len(lines) and lines[index].startswith("## "):
        key, _, value = lines[index][3:].partition(":")
        meta[key.strip()] = value.strip()
        index += 1
    return Sample(path, meta, "".join(lines[index:]))


def samples(kind: str) -> list[Sample]:
    return [load(p) for p in sorted((CORPUS / kind).rglob("*.txt"))]


@dataclass(frozen=True)
class Evaluation:
    """Matching quality over the corpus: positives must rank their entry, negatives abstain."""

    ranked: dict[str, list[str]]  # positive sample path -> ids ranked by the matcher
    expected: dict[str, str]
    false_positives: dict[str, list[str]]  # negative or healthy sample -> ids it matched
    negatives: int

    @property
    def positives(self) -> int:
        return len(self.ranked)

    def top(self, k: int) -> float:
        hits = sum(1 for p, ids in self.ranked.items() if self.expected[p] in ids[:k])
        return hits / self.positives if self.positives else 0.0

    @property
    def misses(self) -> dict[str, list[str]]:
        return {p: ids for p, ids in self.ranked.items() if ids[:1] != [self.expected[p]]}

    @property
    def false_positive_rate(self) -> float:
        return len(self.false_positives) / self.negatives if self.negatives else 0.0


def evaluate(store: object) -> Evaluation:
    """Run the matcher over every corpus sample (no environment versions)."""
    from troubleshoot.diagnose import diagnose
    from troubleshoot.kbstore import Store

    assert isinstance(store, Store)
    ranked: dict[str, list[str]] = {}
    expected: dict[str, str] = {}
    for sample in samples("pastes"):
        key = str(sample.path.relative_to(CORPUS))
        result = diagnose(sample.text, store, use_environment=False)
        ranked[key] = [m.entry.id for m in result.matches]
        expected[key] = sample.expect or ""
    wrong: dict[str, list[str]] = {}
    quiet = samples("negatives") + samples("healthy")
    for sample in quiet:
        result = diagnose(sample.text, store, use_environment=False)
        if result.matches:
            wrong[str(sample.path.relative_to(CORPUS))] = [m.entry.id for m in result.matches]
    return Evaluation(ranked, expected, wrong, len(quiet))


@dataclass(frozen=True)
class BatchOutcome:
    path: str
    expect: str  # an entry id, "none" or "uncovered"
    ranked: tuple[str, ...]  # reported matches, best first
    scores: tuple[float, ...]
    likely: tuple[str, ...] = ()  # likely matches (the answer when there is no match)


@dataclass(frozen=True)
class BatchReport:
    """A batch scored the way the hidden sets are: covered positives top-1, negatives
    wrongly matched, uncovered uvicorn failures claimed as some entry."""

    outcomes: tuple[BatchOutcome, ...]

    def _of(self, kind: str) -> list[BatchOutcome]:
        if kind == "covered":
            return [o for o in self.outcomes if o.expect not in ("none", "uncovered")]
        return [o for o in self.outcomes if o.expect == kind]

    def lines(self, *, verbose: bool = False) -> list[str]:
        covered, negatives, uncovered = (self._of(k) for k in ("covered", "none", "uncovered"))
        right = [o for o in covered if o.ranked[:1] == (o.expect,)]
        wrong_neg = [o for o in negatives if o.ranked]
        claimed = [o for o in uncovered if o.ranked]
        named = [o for o in covered if not o.ranked and o.expect in o.likely]
        out = [
            f"pastes: {len(self.outcomes)} ({len(covered)} covered, {len(negatives)} negatives, "
            f"{len(uncovered)} uncovered uvicorn failures)",
            f"covered top-1: {_ratio(len(right), len(covered))}",
            f"negatives wrongly matched: {len(wrong_neg)} of {len(negatives)}",
            f"uncovered claimed as an entry: {len(claimed)} of {len(uncovered)}",
            f"covered with no match but a likely naming it: {len(named)}",
        ]
        for o in self.outcomes:
            ok = o.ranked[:1] == (o.expect,) if o in covered else not o.ranked
            if verbose or not ok:
                got = ", ".join(f"{i} {s:.2f}" for i, s in zip(o.ranked, o.scores, strict=True))
                if o.likely:
                    got += f" (likely: {', '.join(o.likely)})"
                out.append(
                    f"  {'ok  ' if ok else 'MISS'} {o.path}: expect {o.expect}; got {got or '-'}"
                )
        return out


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f} ({part} of {whole})" if whole else "n/a (0)"


def evaluate_batch(store: object, folder: Path) -> BatchReport:
    """Run the matcher over every ``*.txt`` under ``folder`` (no environment versions)."""
    from troubleshoot.diagnose import diagnose

    outcomes = []
    for path in sorted(folder.rglob("*.txt")):
        sample = load(path)
        expect = sample.meta.get("expect", "").strip()
        if not expect:
            raise SystemExit(f"{path}: no '## expect:' header line")
        result = diagnose(sample.text, store, use_environment=False)  # type: ignore[arg-type]
        outcomes.append(
            BatchOutcome(
                str(path.relative_to(folder)),
                expect,
                tuple(m.entry.id for m in result.matches),
                tuple(m.score for m in result.matches),
                tuple(m.entry.id for m in getattr(result, "likely", ())),
            )
        )
    return BatchReport(tuple(outcomes))

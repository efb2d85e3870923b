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

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

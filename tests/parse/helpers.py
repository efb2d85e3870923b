"""Shared helpers for the parser tests."""

from __future__ import annotations

from pathlib import Path

from troubleshoot.parse import parse_paste
from troubleshoot.parse.model import Parsed

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def parse_sample(name: str) -> Parsed:
    return parse_paste(sample(name))


def types(parsed: Parsed) -> list[str]:
    return [e.type for e in parsed.exceptions]

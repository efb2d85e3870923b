"""Merge the occurrences of every release into catalog records, and write them as JSON.

One record per distinct message: package, kind, level, exception type and template
text. Its ``releases`` are the PEP 440 ranges of the releases that hold it; its
``module``/``function`` are where the newest such release has it, ``locations``
every place any release has it. Records are sorted by id and written with sorted
keys, so a regeneration from the same sources gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from troubleshoot.catalog import ranges
from troubleshoot.catalog import template as tpl
from troubleshoot.catalog.extract import Occurrence

FORMAT = 1
GENERATOR = "python -m troubleshoot.catalog.build"
_SLUG_WORDS = 7
_SLUG_CHARS = 60


def message_id(
    package: str, kind: str, level: str | None, exc_type: str | None, template: str
) -> str:
    """``package:slug-of-the-words-hash``: readable, and stable for the same message."""
    key = "\0".join([package, kind, level or "", exc_type or "", template])
    digest = hashlib.sha256(key.encode()).hexdigest()[:6]
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", tpl_literal(template))]
    slug = "-".join(words[:_SLUG_WORDS])[:_SLUG_CHARS].strip("-") or kind
    return f"{package}:{slug}-{digest}"


def tpl_literal(template: str) -> str:
    """The literal text of a template's text form (placeholders dropped)."""
    return "".join(p.text if isinstance(p, tpl.Lit) else " " for p in tpl.parse(template))


@dataclass
class _Group:
    kinds: list[tpl.HoleKind]
    releases: set[str] = field(default_factory=set)
    locations: dict[str, set[str]] = field(default_factory=dict)  # release -> "module:function"


def merge(
    package: str,
    per_release: Mapping[str, Sequence[Occurrence]],
    releases: Sequence[str],
) -> list[dict[str, Any]]:
    """The records of one package from the occurrences found in each release.

    ``releases`` is every release of the package in order (the edges of the ranges).
    """
    groups: dict[tuple[str, str | None, str | None, str], _Group] = {}
    for release, occurrences in per_release.items():
        for occ in occurrences:
            key = (occ.kind, occ.level, occ.exc_type, tpl.text(occ.parts))
            kinds = list(tpl.kinds(occ.parts))
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(kinds=kinds)
            else:  # the same text from %d in one release and %s in another: any
                group.kinds = [
                    a if a == b else "any" for a, b in zip(group.kinds, kinds, strict=True)
                ]
            group.releases.add(release)
            group.locations.setdefault(release, set()).add(f"{occ.module}:{occ.function}")
    order = {r: i for i, r in enumerate(releases)}
    records: list[dict[str, Any]] = []
    for (kind, level, exc_type, text), group in groups.items():
        parts = tpl.parse(text, group.kinds)
        newest = max(group.releases, key=order.__getitem__)
        module, _, function = sorted(group.locations[newest])[0].partition(":")
        records.append(
            {
                "id": message_id(package, kind, level, exc_type, text),
                "package": package,
                "source": "python",
                "kind": kind,
                "level": level,
                "exc_type": exc_type,
                "template": text,
                "placeholders": list(group.kinds),
                "pattern": tpl.pattern(parts),
                "specific": tpl.is_specific(parts),
                "releases": list(ranges.compact(group.releases, releases)),
                "module": module,
                "function": function,
                "locations": sorted(set().union(*group.locations.values())),
            }
        )
    records.sort(key=lambda r: r["id"])
    ids = [r["id"] for r in records]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{package}: two messages share an id")
    return records


def write(path: Path, header: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> None:
    """One catalog file: the header's fields, then ``messages``, one record a block."""
    document = {"format": FORMAT, "generator": GENERATOR, **header, "messages": list(records)}
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")

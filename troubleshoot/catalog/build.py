"""Generate ``kb/catalog/*.json`` from release sources.

    python -m troubleshoot.catalog.build [--cache DIR] [--only uvicorn|h11|websockets|stdlib|c]

* uvicorn and h11: every release on PyPI; websockets: every release from 8.0 on. Each
  release's sdist (its wheel when it has none) is downloaded into the cache (default
  ``~/.cache/uvicorn-doctor/catalog-src``, never inside the repository), unpacked, and
  its package folder read by ``extract``.
* stdlib: the modules of ``STDLIB_PATHS`` of every CPython 3.6+ that pyenv has
  installed, one per minor version; ranges are over ``python_version``.
* c: the hand-written ``c_messages`` (written on every run, no download), their
  Python versions checked against the installed interpreters' binaries.

The files are written sorted and stable: a run over the same releases gives the same
bytes. ``--only`` may be given several times; without it everything is built.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from packaging.version import Version

from troubleshoot.catalog import c_messages, merge, ranges, sources
from troubleshoot.catalog import template as tpl
from troubleshoot.catalog.extract import Occurrence, extract_files, extract_tree

PYPI_PACKAGES: dict[str, str | None] = {"uvicorn": None, "h11": None, "websockets": "8.0"}
STDLIB_PATHS = (
    "asyncio",
    "multiprocessing",
    "concurrent/futures",
    "logging",
    "importlib/__init__.py",
    "importlib/_bootstrap.py",
    "importlib/_bootstrap_external.py",
    "importlib/util.py",
    "socket.py",
    "selectors.py",
    "pickle.py",
    "copyreg.py",
    "ssl.py",
    "signal.py",
    "threading.py",
)
TARGETS = (*PYPI_PACKAGES, "stdlib", "c")


def _extract_release(tree: Path, package: str) -> tuple[list[Occurrence], list[str]]:
    return extract_tree(tree, package)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def build_pypi(package: str, cache: Path, out_dir: Path, jobs: int) -> int:
    """Catalog of one PyPI package; returns the number of messages written."""
    minimum = PYPI_PACKAGES[package]
    artifacts = sources.list_releases(package)
    if minimum is not None:
        artifacts = [a for a in artifacts if Version(a.version) >= Version(minimum)]
    _say(f"{package}: {len(artifacts)} releases")
    with ThreadPoolExecutor(max_workers=8) as pool:
        trees = list(pool.map(lambda a: sources.fetch(a, cache), artifacts))
    releases = [a.version for a in artifacts]
    per_release: dict[str, list[Occurrence]] = {}
    unparsed: dict[str, list[str]] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(_extract_release, trees, [package] * len(trees))
        for release, (found, failed) in zip(releases, results, strict=True):
            if not found:
                raise RuntimeError(f"{package} {release}: no messages found (no package folder?)")
            per_release[release] = found
            if failed:
                unparsed[release] = failed
    records = merge.merge(package, per_release, releases)
    header: dict[str, Any] = {
        "package": package,
        "version_key": "release",
        "source": "PyPI: the sdist of each release, its wheel when it has no sdist",
        "releases": releases,
        "yanked": [a.version for a in artifacts if a.yanked],
        "from_wheel": [a.version for a in artifacts if a.filename.endswith(".whl")],
        "unparsed": unparsed,
    }
    merge.write(out_dir / f"{package}.json", header, records)
    return len(records)


def _is_test(path: Path) -> bool:
    return bool({"test", "tests"} & set(path.parts)) or path.name.startswith("test_")


def stdlib_files(lib: Path) -> list[Path]:
    """The ``STDLIB_PATHS`` modules of one standard library (tests left out)."""
    files: set[Path] = set()
    for entry in STDLIB_PATHS:
        path = lib / entry
        if path.is_dir():
            files.update(p for p in path.rglob("*.py") if not _is_test(p.relative_to(lib)))
        elif path.is_file():
            files.add(path)
    return sorted(files)


def build_stdlib(out_dir: Path, jobs: int) -> int:
    """Catalog of the standard library over the pyenv Pythons."""
    interpreters = sources.pyenv_pythons()
    if not interpreters:
        raise RuntimeError("no CPython 3.6+ installed under pyenv")
    _say(f"stdlib: Pythons {', '.join(i.full for i in interpreters)}")
    per_release: dict[str, list[Occurrence]] = {}
    unparsed: dict[str, list[str]] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(
            extract_files,
            [i.stdlib for i in interpreters],
            [stdlib_files(i.stdlib) for i in interpreters],
        )
        for interp, (found, failed) in zip(interpreters, results, strict=True):
            per_release[interp.minor] = found
            if failed:
                unparsed[interp.minor] = failed
    minors = [i.minor for i in interpreters]
    records = merge.merge("stdlib", per_release, minors)
    header: dict[str, Any] = {
        "package": "stdlib",
        "version_key": "python_version",
        "source": "CPython's standard library as installed by pyenv",
        "releases": minors,
        "interpreters": {i.minor: i.full for i in interpreters},
        "paths": list(STDLIB_PATHS),
        "unparsed": unparsed,
    }
    merge.write(out_dir / "stdlib.json", header, records)
    return len(records)


def check_c_versions(interpreters: Sequence[sources.Interpreter]) -> list[str]:
    """Where ``c_messages`` disagrees with the installed interpreters' binaries."""
    minors = [i.minor for i in interpreters]
    needles = {fmt for m in c_messages.MESSAGES for fmt in m.c_format}
    held = {i.minor: sources.holds_strings(i, needles) for i in interpreters}
    problems = []
    for message in c_messages.MESSAGES:
        if not message.c_format:
            continue
        found = [v for v in minors if any(f in held[v] for f in message.c_format)]
        stated = ranges.expand(message.python, minors)
        if found != stated:
            problems.append(
                f"{message.template!r}: binaries have it in {found}, list says {stated}"
            )
    return problems


def c_records() -> list[dict[str, Any]]:
    """The catalog records of ``c_messages``."""
    records: list[dict[str, Any]] = []
    for message in c_messages.MESSAGES:
        parts = tpl.parse(message.template)
        if message.c_format:
            ints = tpl.kinds(tpl.from_c_format(message.c_format[0]))
            if len(ints) == len(tpl.kinds(parts)):
                parts = tpl.parse(message.template, ints)
        records.append(
            {
                "id": merge.message_id(
                    message.package, message.kind, None, message.exc_type, message.template
                ),
                "package": message.package,
                "source": "c",
                "kind": message.kind,
                "level": None,
                "exc_type": message.exc_type,
                "template": message.template,
                "placeholders": list(tpl.kinds(parts)),
                "pattern": tpl.pattern(parts),
                "specific": tpl.is_specific(parts),
                "releases": list(message.python),
                "module": message.module,
                "function": None,
                "locations": [message.module],
                "c_format": list(message.c_format),
                "note": message.note or None,
            }
        )
    records.sort(key=lambda r: r["id"])
    return records


def build_c(out_dir: Path) -> int:
    interpreters = sources.pyenv_pythons()
    problems = check_c_versions(interpreters)
    if problems:
        raise RuntimeError("c_messages disagrees with the binaries:\n" + "\n".join(problems))
    records = c_records()
    stdlib = out_dir / "stdlib.json"
    if stdlib.is_file():
        extracted = {m["id"] for m in json.loads(stdlib.read_text(encoding="utf-8"))["messages"]}
        twice = sorted(r["template"] for r in records if r["id"] in extracted)
        if twice:
            raise RuntimeError(f"c_messages repeats messages of stdlib.json: {twice}")
    header: dict[str, Any] = {
        "package": "c",
        "version_key": "python_version",
        "source": "troubleshoot/catalog/c_messages.py (hand-written)",
        "checked_against": {i.minor: i.full for i in interpreters},
    }
    merge.write(out_dir / "c.json", header, records)
    return len(records)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m troubleshoot.catalog.build", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="where release sources are kept (default: %(default)s → "
        "~/.cache/uvicorn-doctor/catalog-src)",
    )
    parser.add_argument(
        "--only", action="append", choices=TARGETS, help="build only this catalog (repeatable)"
    )
    parser.add_argument(
        "--kb-dir",
        type=Path,
        default=None,
        help="the KB whose catalog/ folder is written (default: the checkout's)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    from troubleshoot.config import Settings

    kb_dir = args.kb_dir or Settings.resolve().kb_dir
    out_dir = kb_dir / "catalog"
    cache: Path = args.cache or sources.default_cache()
    repo = Path(__file__).resolve().parents[2]
    if cache.resolve().is_relative_to(repo):
        parser.error(f"the cache must be outside the repository ({repo})")
    targets = args.only or list(TARGETS)
    for target in targets:
        if target in PYPI_PACKAGES:
            count = build_pypi(target, cache, out_dir, args.jobs)
        elif target == "stdlib":
            count = build_stdlib(out_dir, args.jobs)
        else:
            count = build_c(out_dir)
        _say(f"{target}: {count} messages -> {out_dir / (target + '.json')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: `doctor export-site` against `mkdocs build` of the same pages.

Usage::

    python bench/site_bench.py [--entries 1000] [--rounds 5] [--work /tmp/site-bench]

It generates a KB of N entries (with evidence and a two-file repro folder each)
and the same N pages as Markdown for mkdocs (same sections, same code blocks,
highlighted by Pygments through `codehilite`), installs mkdocs into a throwaway
venv under the work folder, then times, interleaved round by round:

- `doctor export-site` of the real KB (cached compiled DB),
- `doctor export-site` of the generated KB, cold (KB compiled first) and warm,
- `mkdocs build` of the generated Markdown.

Every run is a fresh process writing a fresh output folder. It prints the
medians side by side and the ratio against mkdocs (target: <= 0.25x).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KINDS = ["version-bug", "regression", "misuse", "environment", "docs-only", "wontfix"]
TAGS = ["reload", "workers", "ssl", "windows", "lifespan", "websocket", "proxy", "logging"]

APP = '''"""Repro {i}: {title}."""
import uvicorn


def make():
    async def app(scope, receive, send):
        assert scope["type"] == "http"
        await send({{"type": "http.response.start", "status": 200, "headers": []}})
        await send({{"type": "http.response.body", "body": b"entry {i}"}})

    return app


if __name__ == "__main__":
    uvicorn.run(make(), host="127.0.0.1", port=0, workers={workers})
'''

SCENARIO = '[run]\nargs = ["--workers", "{workers}"]\nexpect = "reproduces"\ntimeout = 20\n'


def entry_toml(i: int, n: int) -> str:
    kind = KINDS[i % len(KINDS)]
    minor = 8 + i % 20
    tags = json.dumps([TAGS[i % len(TAGS)], TAGS[(i * 3 + 1) % len(TAGS)]])
    versioned = kind in ("version-bug", "regression")
    lines = [
        f'id = "entry-{i:04d}"',
        f'title = "Failure {i}: worker {i} cannot pickle its app on reload"',
        'package = "uvicorn"',
        f'kind = "{kind}"',
        'severity = "medium"',
        f"tags = {tags}",
        f'summary = "With `workers > 1` (case {i}) uvicorn pickles the application; '
        'a **local** object cannot be pickled, so each worker dies at start."',
        'mechanism = """\nWorkers are *spawned*: the application crosses the process boundary '
        "by pickle.\n\n- the parent builds the config\n- each child unpickles it\n\n"
        f'See the [upstream issue](https://github.com/Kludex/uvicorn/issues/{i + 1}).\n"""',
        f"error = \"AttributeError: Can't pickle local object 'make{i}.<locals>.app'\"",
        f'related = ["entry-{(i + 1) % n:04d}"]',
    ]
    if versioned:
        lines.append(f'fixed_in = "0.{minor}.6"')
    lines += ["", "[conditions]", "workers = true", "app_object = true", ""]
    if versioned:
        lines += [
            "[[affected]]",
            'package = "uvicorn"',
            f'specifier = ">=0.{minor}.1,<0.{minor}.6"',
        ]
        lines += ['status = "verified"', ""]
    lines += [
        "[[signatures]]",
        f'id = "sig-{i}"',
        'kind = "exception"',
        'exc_type = "AttributeError"',
        f"message = \"Can't pickle local object 'make{i}\"",
        "weight = 0.9",
        "",
    ]
    for j, (ftype, title) in enumerate(
        (("code-change", "Pass an import string"), ("config", "Run one worker"))
    ):
        lines += [
            "[[fixes]]",
            f'type = "{ftype}"',
            f'title = "{title} ({i}.{j})"',
            'body = """\n```python\nuvicorn.run("main:app", workers=2)\n```\n"""',
            'when_not = "When the app is built at runtime and has no import path."',
            "",
        ]
    lines += ["[upstream]", f"issues = [{i + 1}]", f"prs = [{i + 2}]", ""]
    lines += ["[repro]", f'folder = "entry-{i:04d}"', ""]
    return "\n".join(lines)


def evidence(i: int) -> dict[str, object]:
    minor = 8 + i % 20
    runs = [
        (f"0.{minor}.0", "not-applicable"),
        (f"0.{minor}.1", "reproduces"),
        (f"0.{minor}.5", "reproduces"),
        (f"0.{minor}.6", "fixed"),
    ]
    return {
        "entry": f"entry-{i:04d}",
        "records": [
            {
                "server": "uvicorn",
                "version": v,
                "python": "3.11.7",
                "platform": "linux-x86_64",
                "outcome": outcome,
                "date": "2026-01-02",
            }
            for v, outcome in runs
        ],
    }


def markdown_page(i: int, n: int) -> str:
    """The same content as the doctor page, as mkdocs Markdown."""
    minor = 8 + i % 20
    kind = KINDS[i % len(KINDS)]
    rows = "\n".join(
        f"| uvicorn | {v} | 3.11.7 | linux-x86_64 | {o} | 2026-01-02 |"
        for v, o in (
            (f"0.{minor}.0", "not-applicable"),
            (f"0.{minor}.1", "reproduces"),
            (f"0.{minor}.5", "reproduces"),
            (f"0.{minor}.6", "fixed"),
        )
    )
    fixes = "\n\n".join(
        f'### {title} ({i}.{j})\n\n```python\nuvicorn.run("main:app", workers=2)\n```\n\n'
        "**When not to use it:** When the app is built at runtime and has no import path."
        for j, title in enumerate(("Pass an import string", "Run one worker"))
    )
    workers = 2 + i % 3
    return f"""# Failure {i}: worker {i} cannot pickle its app on reload

`{kind}` · severity medium · {TAGS[i % len(TAGS)]}

With `workers > 1` (case {i}) uvicorn pickles the application; a **local** object cannot be
pickled, so each worker dies at start.

## The fix

{fixes}

## Failure signature

```
AttributeError: Can't pickle local object 'make{i}
```

## The error as you see it

```
AttributeError: Can't pickle local object 'make{i}.<locals>.app'
```

## When it happens

- more than one worker: yes
- the application object passed instead of an import string: yes

## Why it breaks

Workers are *spawned*: the application crosses the process boundary by pickle.

- the parent builds the config
- each child unpickles it

See the [upstream issue](https://github.com/Kludex/uvicorn/issues/{i + 1}).

## Affected versions

| Package | Range | Status |
|---|---|---|
| uvicorn | `>=0.{minor}.1,<0.{minor}.6` | verified |

### Evidence

| Server | Version | Python | Platform | Outcome | Date |
|---|---|---|---|---|---|
{rows}

## Reproduce it

```
doctor repro entry-{i:04d}
```

### main.py

```python
{APP.format(i=i, title="Failure", workers=workers).strip()}
```

### scenario.toml

```toml
{SCENARIO.format(workers=workers).strip()}
```

## Upstream

- [Issue #{i + 1}](https://github.com/Kludex/uvicorn/issues/{i + 1})
- [Pull request #{i + 2}](https://github.com/Kludex/uvicorn/pull/{i + 2})

## Related

- [Failure {(i + 1) % n}](entry-{(i + 1) % n:04d}.md)
"""


def generate(work: Path, n: int) -> tuple[Path, Path]:
    kb = work / "gen" / "kb"
    fixes = work / "gen" / "fixes"
    docs = work / "mkdocs" / "docs"
    for folder in (work / "gen", work / "mkdocs"):
        shutil.rmtree(folder, ignore_errors=True)
    (kb / "entries").mkdir(parents=True)
    (kb / "evidence").mkdir()
    (docs / "fixes").mkdir(parents=True)
    index = ["# Verified fixes for uvicorn failures", ""]
    for i in range(n):
        slug = f"entry-{i:04d}"
        (kb / "entries" / f"{slug}.toml").write_text(entry_toml(i, n), encoding="utf-8")
        if KINDS[i % len(KINDS)] in ("version-bug", "regression"):
            (kb / "evidence" / f"{slug}.json").write_text(json.dumps(evidence(i)), encoding="utf-8")
        folder = fixes / slug
        folder.mkdir(parents=True)
        workers = 2 + i % 3
        (folder / "main.py").write_text(APP.format(i=i, title="Failure", workers=workers))
        (folder / "scenario.toml").write_text(SCENARIO.format(workers=workers))
        (docs / "fixes" / f"{slug}.md").write_text(markdown_page(i, n), encoding="utf-8")
        index.append(f"- [Failure {i}](fixes/{slug}.md)")
    (docs / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    (work / "mkdocs" / "mkdocs.yml").write_text(
        "site_name: uvicorn-doctor bench\n"
        "markdown_extensions:\n  - tables\n  - fenced_code\n  - codehilite\n",
        encoding="utf-8",
    )
    return kb, work / "mkdocs"


def mkdocs_venv(work: Path) -> Path:
    venv = work / "mkdocs-venv"
    exe = venv / "bin" / "mkdocs"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "mkdocs", "pygments"],
            check=True,
        )
    return exe


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        cmd,
        check=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/site-bench"))
    args = parser.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    gen_kb, mkdocs_dir = generate(work, args.entries)
    mkdocs = mkdocs_venv(work)
    version = subprocess.run(
        [str(mkdocs), "--version"], capture_output=True, text=True, check=True
    ).stdout.split(" from ")[0]
    doctor = [sys.executable, "-m", "troubleshoot", "export-site"]
    warm_cache = str(work / "cache-warm")
    # Warm-up: compile both KBs once and let the OS cache the files.
    timed([*doctor, str(work / "warmup-real")], {"DOCTOR_CACHE_DIR": warm_cache})
    timed(
        [*doctor, str(work / "warmup-gen")],
        {"DOCTOR_KB_DIR": str(gen_kb), "DOCTOR_CACHE_DIR": warm_cache},
    )
    timed([str(mkdocs), "build", "-q", "-d", str(work / "warmup-mkdocs")], cwd=mkdocs_dir)
    times: dict[str, list[float]] = {"real": [], "gen-warm": [], "gen-cold": [], "mkdocs": []}
    for r in range(args.rounds):
        out = work / f"round-{r}"
        shutil.rmtree(out, ignore_errors=True)
        times["real"].append(timed([*doctor, str(out / "real")], {"DOCTOR_CACHE_DIR": warm_cache}))
        times["mkdocs"].append(
            timed([str(mkdocs), "build", "-q", "-d", str(out / "mkdocs")], cwd=mkdocs_dir)
        )
        times["gen-warm"].append(
            timed(
                [*doctor, str(out / "gen-warm")],
                {"DOCTOR_KB_DIR": str(gen_kb), "DOCTOR_CACHE_DIR": warm_cache},
            )
        )
        times["gen-cold"].append(
            timed(
                [*doctor, str(out / "gen-cold")],
                {"DOCTOR_KB_DIR": str(gen_kb), "DOCTOR_CACHE_DIR": str(out / "cache-cold")},
            )
        )
        print(
            f"round {r + 1}/{args.rounds}: "
            + "  ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()),
            flush=True,
        )
    real_pages = len(list((REPO / "kb" / "entries").glob("*.toml")))
    med = {k: statistics.median(v) for k, v in times.items()}
    print()
    print(
        f"{version.strip()}; {args.entries} generated entries; "
        f"{args.rounds} interleaved rounds; wall time per run"
    )
    print(f"{'run':<44}{'median':>9}{'min':>9}{'vs mkdocs':>11}")
    rows = [
        (f"doctor export-site, real KB ({real_pages} entries)", "real"),
        (f"doctor export-site, {args.entries} entries, warm DB", "gen-warm"),
        (f"doctor export-site, {args.entries} entries, cold DB", "gen-cold"),
        (f"mkdocs build, {args.entries} pages", "mkdocs"),
    ]
    for label, key in rows:
        ratio = med[key] / med["mkdocs"]
        print(f"{label:<44}{med[key]:>8.2f}s{min(times[key]):>8.2f}s{ratio:>10.2f}x")
    target = "met" if med["gen-cold"] <= 0.25 * med["mkdocs"] else "NOT met"
    print(f"\ntarget <= 0.25x mkdocs (cold, {args.entries} entries): {target}")


if __name__ == "__main__":
    main()

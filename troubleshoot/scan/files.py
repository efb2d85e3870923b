"""Which files a scan reads, and which reader reads each one.

A directory is walked with ``os.scandir``; version-control folders, caches,
``node_modules`` and virtual environments (a folder holding ``pyvenv.cfg``)
below it are skipped. A file named on the command line is always read.
Reading never raises: a file that cannot be read or parsed becomes a
:class:`~troubleshoot.scan.model.Skipped` with the reason.
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from troubleshoot import bounded
from troubleshoot.scan import commands
from troubleshoot.scan.model import FileFacts, Launch, Skipped
from troubleshoot.scan.python import (
    KEYWORDS,
    LOOP_KEYWORDS,
    loops_at_import,
    notebook_source,
    parse,
    read_tree,
)

_SKIP_DIRS = {"__pycache__", "node_modules"}
_COMPOSE = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$")
_DOCKERFILE = re.compile(r"^(Dockerfile|Containerfile)([.-][\w.-]+)?$|\.[Dd]ockerfile$")
# The `#` must open the comment or follow whitespace: "see `# doctor: ignore[X]`" is prose.
_IGNORE = re.compile(r"(?:^|(?<=\s))#\s*doctor:\s*ignore\[([^\]]*)\]\s*(?:[-:—]+\s*)?(.*)$")
_COMMAND_WORDS = ("uvicorn", "gunicorn")


@dataclass(frozen=True)
class ReadResult:
    facts: list[FileFacts]
    skipped: list[Skipped]
    files: int  # how many files were read


def kind_of(path: Path) -> str | None:
    """The reader for a file name, or None when scan has nothing to look for in it."""
    name = path.name
    if name.endswith((".py", ".pyw")):
        return "python"
    if name.endswith(".ipynb"):
        return "notebook"
    if name == "Procfile" or name.startswith("Procfile."):
        return "procfile"
    if _DOCKERFILE.search(name):
        return "dockerfile"
    if _COMPOSE.match(name):
        return "compose"
    if name.endswith((".sh", ".bash")):
        return "shell"
    if name == "pyproject.toml":
        return "pyproject"
    return None


def iter_files(roots: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """(file, reader kind) for every file under ``roots``, in a stable order."""
    for root in roots:
        if root.is_dir():
            yield from _walk(root)
        else:
            yield root, kind_of(root) or _shebang_kind(root) or "unknown"


def _walk(directory: Path) -> Iterator[tuple[Path, str]]:
    """Depth first, files before subfolders, with a stack of its own: 1,500 nested
    folders must not exhaust Python's recursion limit."""
    pending: list[tuple[Path, bool]] = [(directory, True)]
    while pending:
        folder, top = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        if not top and any(e.name == "pyvenv.cfg" for e in entries):
            continue  # a virtual environment below the scanned folder: not the user's code
        subdirs: list[Path] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if not entry.name.startswith(".") and entry.name not in _SKIP_DIRS:
                    subdirs.append(Path(entry.path))
                continue
            kind = kind_of(Path(entry.name))
            if kind is None and "." not in entry.name:
                kind = _shebang_kind(Path(entry.path))
            if kind is not None:
                yield Path(entry.path), kind
        pending.extend((sub, False) for sub in reversed(subdirs))


def _shebang_kind(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return None
    if head.startswith(b"#!") and re.search(rb"\b(ba|da|z)?sh\b", head.split(b"\n")[0]):
        return "shell"
    return None


# A source file larger than this is not read: hand-written launch code is small, and
# parsing costs about 400 bytes of memory per byte of source.
MAX_SCAN_BYTES = 4 * bounded.MB


def read_all(roots: Iterable[Path]) -> ReadResult:
    facts: list[FileFacts] = []
    skipped: list[Skipped] = []
    count = 0
    # Parsing allocates millions of short-lived nodes; every collection they trigger
    # would also re-traverse what was alive before (imports, the KB). Freezing those
    # keeps the cost proportional to the trees themselves.
    gc.freeze()
    try:
        for path, kind in iter_files(roots):
            count += 1
            result = read_file(path, kind)
            if isinstance(result, Skipped):
                skipped.append(result)
            elif result is not None:
                facts.append(result)
    finally:
        gc.unfreeze()
    return ReadResult(facts, skipped, count)


def read_file(path: Path, kind: str) -> FileFacts | Skipped | None:
    """Facts of one file; None when it holds nothing relevant."""
    name = str(path)
    if not bounded.is_regular(path):
        # git stores symlinks: a repository can carry `evil.py -> /dev/zero`
        return Skipped(name, "not a regular file (a link to a device, a pipe?): not read")
    try:
        data = bounded.read_bytes(path, MAX_SCAN_BYTES)
    except bounded.TooLarge:
        return Skipped(
            name, f"larger than {bounded.describe(MAX_SCAN_BYTES)}: not read (generated code?)"
        )
    except OSError as exc:
        return Skipped(name, f"cannot read: {exc.strerror or exc}")
    if kind == "unknown":
        return Skipped(
            name,
            "not a file type scan reads (Python, notebook, Procfile, "
            "Dockerfile, compose file, shell script, pyproject.toml)",
        )
    if kind == "python":
        return _python(data, name, path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Skipped(name, f"not UTF-8 text: {exc.reason} at byte {exc.start}")
    if kind == "notebook":
        return _notebook(text, name, path)
    if not any(word in text for word in _COMMAND_WORDS):
        return _with_ignores(FileFacts(name), text) if "doctor:" in text else None
    launches: Iterable[Launch]
    if kind == "procfile":
        launches = commands.read_procfile(text, name)
    elif kind == "dockerfile":
        launches = commands.read_dockerfile(text, name)
    elif kind == "compose":
        return _compose(text, name)
    elif kind == "shell":
        launches = commands.read_shell(text, name)
    else:
        return _pyproject(text, name)
    return _with_ignores(FileFacts(name, tuple(launches)), text)


def _compose(text: str, name: str) -> FileFacts | Skipped:
    import yaml

    try:
        launches = tuple(commands.read_compose(text, name))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Skipped(name, f"invalid YAML: {problem}", line)
    except RecursionError:
        return Skipped(name, "invalid YAML: nested too deeply")
    return _with_ignores(FileFacts(name, launches), text)


def _pyproject(text: str, name: str) -> FileFacts | Skipped:
    import tomllib

    try:
        launches = tuple(commands.read_pyproject(text, name))
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+)", str(exc))
        return Skipped(name, f"invalid TOML: {exc}", int(at.group(1)) if at else None)
    except RecursionError:
        return Skipped(name, "invalid TOML: nested too deeply")
    return _with_ignores(FileFacts(name, launches), text)


def _python(data: bytes, name: str, path: Path) -> FileFacts | Skipped | None:
    named_uvicorn = "uvicorn" in (path.stem, path.parent.name)
    if not named_uvicorn and not any(w in data for w in (*KEYWORDS, *LOOP_KEYWORDS, b"doctor:")):
        return None  # cannot concern uvicorn: not worth parsing (about 400 bytes per byte)
    try:
        tree = parse(data, name)
    except SyntaxError as exc:
        return Skipped(name, f"does not parse: {exc.msg}", exc.lineno)
    except ValueError as exc:  # null bytes, bad encoding declaration
        return Skipped(name, f"does not parse: {exc}")
    except (RecursionError, MemoryError):
        return Skipped(name, "does not parse: nested too deeply for Python's parser")
    # The walk only runs where a launch or import can be.
    if not named_uvicorn and not any(word in data for word in KEYWORDS):
        if any(word in data for word in LOOP_KEYWORDS):
            facts = loops_at_import(tree, name)
            return facts if facts.loops_at_import else None
        return None
    facts = read_tree(tree, name, module=_module_name(path))
    text = data.decode("utf-8", errors="replace") if b"doctor:" in data else ""
    return _with_ignores(facts, text, python=True)


def _notebook(text: str, name: str, path: Path) -> FileFacts | Skipped | None:
    try:
        document = json.loads(text)
    except ValueError as exc:
        return Skipped(name, f"not a notebook (invalid JSON: {exc})")
    except RecursionError:
        return Skipped(name, "not a notebook (JSON nested too deeply)")
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        return Skipped(name, "not a notebook (no 'cells' list)")
    if "uvicorn" not in text and "reference_server" not in text:
        return None
    source, line_map = notebook_source(cells, text)
    try:
        tree = parse(source, name, notebook=True)
    except SyntaxError as exc:
        line = line_map[exc.lineno - 1] if exc.lineno and exc.lineno <= len(line_map) else None
        return Skipped(name, f"a code cell does not parse: {exc.msg}", line)
    except ValueError as exc:
        return Skipped(name, f"a code cell does not parse: {exc}")
    facts = read_tree(tree, name, module=path.stem, notebook=True, line_map=line_map)
    return _with_ignores(facts, text, json_lines=True)


def _with_ignores(
    facts: FileFacts, text: str, *, json_lines: bool = False, python: bool = False
) -> FileFacts:
    """Attach `# doctor: ignore[ID, ...] reason` comments, by line."""
    if "doctor:" not in text:
        return facts
    found: dict[int, tuple[tuple[str, str], ...]] = {}
    for number, comment in _comments(text, python):
        if "doctor:" not in comment:
            continue
        match = _IGNORE.search(comment.replace('\\"', '"') if json_lines else comment)
        if match:
            reason = match.group(2).strip().rstrip('",').removesuffix("\\n").strip()
            ids = [i.strip() for i in match.group(1).split(",") if i.strip()]
            found[number] = tuple((i, reason) for i in ids)
    if not found:
        return facts
    return FileFacts(facts.path, facts.launches, facts.imports, facts.loops_at_import, found)


def _comments(text: str, python: bool) -> Iterator[tuple[int, str]]:
    """(line, text) of comments: real comment tokens in Python (not docstrings), else lines."""
    if python:
        import io
        import tokenize

        try:
            for token in tokenize.generate_tokens(io.StringIO(text).readline):
                if token.type == tokenize.COMMENT:
                    yield token.start[0], token.string
        except (tokenize.TokenError, SyntaxError):
            return
        return
    yield from enumerate(text.splitlines(), start=1)


def _module_name(path: Path) -> str:
    parts = list(path.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(p for p in parts if p not in ("/", "..", "."))

"""The detectors a KB entry's ``code`` signatures name, and what their arguments mean.

Detectors are generic; the entries supply the specifics as data::

    [[signatures]]
    kind = "code"
    detector = "launch"
    args = { app = "object", reload = true }

- ``launch``: a server launch (Python call or command line) for which every
  argument holds. ``via`` (python, cli, gunicorn) and ``call`` (run, config,
  server-run, command, gunicorn-config) restrict the form; ``app`` is how the
  application is passed (object or import-string; an undecidable app never
  matches); ``reload = true``: reload is literally on; ``workers_gt = N``: a
  literal worker count above N; ``option``: any of these options is given
  (``debug``, ``ssl_certfile``...); ``guard = "missing"``: the call runs at
  import time; ``context``: any of ``async`` (inside ``async def``),
  ``notebook`` (a notebook cell), ``import-loop`` (the application module
  runs an event loop while it is imported; reported at that line);
  ``worker_class``: a regex on the gunicorn worker class.
- ``import``: an import of a module matching the ``module`` regex.
- ``module-file``: a module or package in the scanned tree called ``name``.

The argument names and values are validated with the entry
(``troubleshoot.scan.vocabulary.CODE_DETECTORS``); an entry naming a detector this
module lacks is inactive rather than an error here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from troubleshoot.scan.model import FileFacts, Launch, Span
from troubleshoot.schema import CodeArg

_SITE_DIRS = {"site-packages", "dist-packages"}


@dataclass(frozen=True)
class CodeHit:
    span: Span
    what: str  # the code, as written
    why: str  # which conditions held


@dataclass(frozen=True)
class Scope:
    """Everything the detectors see: the facts of every file read."""

    files: Sequence[FileFacts]

    def module_file(self, dotted: str) -> FileFacts | None:
        """The scanned file an import string's module names (matched by path suffix)."""
        parts = dotted.split(".")
        for facts in self.files:
            path = PurePath(facts.path)
            stem = list(path.with_suffix("").parts)
            if stem and stem[-1] == "__init__":
                stem.pop()
            if stem[-len(parts) :] == parts:
                return facts
        return None


Detector = Callable[[Mapping[str, CodeArg], Scope], Iterator[CodeHit]]


def _choices(value: CodeArg | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)  # type: ignore[union-attr]


def _launch_conditions(launch: Launch, args: Mapping[str, CodeArg]) -> list[str] | None:
    """Why the launch matches every argument (one phrase each), or None."""
    why: list[str] = []
    if (via := _choices(args.get("via"))) and launch.via not in via:
        return None
    if (calls := _choices(args.get("call"))) and launch.call not in calls:
        return None
    if "app" in args:
        if launch.app != args["app"]:
            return None
        why.append("passes the application object" if launch.app == "object" else "")
    if "reload" in args:
        on = launch.options.get("reload") is True
        if on != bool(args["reload"]):
            return None
        why.append("reload is on" if on else "")
    if "workers_gt" in args:
        workers = launch.options.get("workers")
        limit = args["workers_gt"]
        if not (isinstance(workers, int) and isinstance(limit, int) and workers > limit):
            return None
        why.append(f"{workers} workers")
    if options := _choices(args.get("option")):
        given = [o for o in options if o in launch.options]
        if not given:
            return None
        why.append(" and ".join(f"`{_option_spelling(launch, o)}` is given" for o in given))
    if args.get("guard") == "missing":
        if not launch.guard_missing:
            return None
        how = f" ({launch.guard_note})" if launch.guard_note else ""
        why.append(f'runs at import time, outside `if __name__ == "__main__":`{how}')
    if (pattern := args.get("worker_class")) is not None:
        worker = launch.options.get("worker_class")
        if not (isinstance(worker, str) and re.search(str(pattern), worker)):
            return None
        why.append(f"worker class {worker}")
    return [w for w in why if w]


def _option_spelling(launch: Launch, option: str) -> str:
    if launch.via == "python":
        return f"{option}="
    return "--" + option.replace("_", "-")


def launch(args: Mapping[str, CodeArg], scope: Scope) -> Iterator[CodeHit]:
    contexts = _choices(args.get("context"))
    for facts in scope.files:
        for item in facts.launches:
            why = _launch_conditions(item, args)
            if why is None:
                continue
            if contexts is None:
                yield CodeHit(item.span, item.text, ", ".join(why))
                continue
            if "async" in contexts and "async" in item.contexts:
                yield CodeHit(item.span, item.text, ", ".join([*why, "inside `async def`"]))
            elif "notebook" in contexts and "notebook" in item.contexts:
                phrase = "in a notebook, whose kernel already runs an event loop"
                yield CodeHit(item.span, item.text, ", ".join([*why, phrase]))
            elif "import-loop" in contexts and item.app_ref:
                yield from _import_loop(item, why, scope)


def _import_loop(item: Launch, why: list[str], scope: Scope) -> Iterator[CodeHit]:
    module = item.app_ref.partition(":")[0] if item.app_ref else ""
    target = scope.module_file(module) if module else None
    if target is None:
        return
    where = f"{item.span.path}:{item.span.line}"
    for loop in target.loops_at_import:
        phrase = (
            f"runs an event loop while `{module}` is imported, and `{item.text}` "
            f"({where}) imports it inside uvicorn's running loop"
        )
        yield CodeHit(loop.span, loop.text, ", ".join([*why, phrase]))


def imports(args: Mapping[str, CodeArg], scope: Scope) -> Iterator[CodeHit]:
    pattern = re.compile(str(args["module"]))
    for facts in scope.files:
        seen: set[tuple[int, int]] = set()
        for fact in facts.imports:
            key = (fact.span.line, fact.span.column)
            if key not in seen and pattern.search(fact.module):
                seen.add(key)
                yield CodeHit(fact.span, f"import {fact.module}", f"imports {fact.module}")


def module_file(args: Mapping[str, CodeArg], scope: Scope) -> Iterator[CodeHit]:
    name = str(args["name"])
    for facts in scope.files:
        path = PurePath(facts.path)
        if _SITE_DIRS & set(path.parts):
            continue  # an installed distribution, not the user's code
        if path.name in (f"{name}.py", f"{name}.pyw"):
            what = path.name
        elif path.name == "__init__.py" and path.parent.name == name:
            what = f"{name}/ (a package)"
        else:
            continue
        yield CodeHit(
            Span(facts.path, 1, 1),
            what,
            f"a local module `{what}` hides the installed `{name}` package "
            "when its folder is on sys.path",
        )


DETECTORS: dict[str, Detector] = {
    "launch": launch,
    "import": imports,
    "module-file": module_file,
}

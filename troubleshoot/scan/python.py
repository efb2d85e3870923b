"""Read Python source (and notebook cells) with ``ast``: how does this code start a server?

One parse per file, then one walk that tracks three things per call: the
innermost function (and whether it is ``async``), whether it sits under an
``if __name__ == "__main__":`` guard, and what the callee resolves to through
the file's imports (``import uvicorn as u``, ``from uvicorn import run as
serve``, ``from uvicorn.main import run``). Arguments are kept when they are
literals; a name bound only to string constants counts as a string.

Calls that run at import time are those at module level outside the guard,
plus the calls inside functions that module-level code calls (transitively,
by name, within the file).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

from troubleshoot.scan.model import (
    AppKind,
    Call,
    FileFacts,
    ImportFact,
    Launch,
    LoopAtImport,
    OptionValue,
    Span,
)

# What a fully qualified callee means.
_LAUNCHERS: dict[str, Call] = {
    "uvicorn.run": "run",
    "uvicorn.main.run": "run",
    "uvicorn.Config": "config",
    "uvicorn.config.Config": "config",
    "reference_server.run": "run",
    "reference_server.server.run": "run",
}
_SERVERS = {"uvicorn.Server", "uvicorn.server.Server"}
_STRING_CALLS = {"os.getenv", "os.environ.get", "str"}
_LOOP_RUNNERS = {"run_until_complete", "run_forever"}
# Words a file must contain for the walk to be worth it (the parse always runs).
KEYWORDS = (b"uvicorn", b"reference_server", b"worker_class")
# Words of an event loop run at import time (checked with a cheap top-level pass).
LOOP_KEYWORDS = (b"asyncio.run", b"run_until_complete", b"run_forever")
_MAX_TEXT = 90


@dataclass(frozen=True)
class _Ctx:
    func: str | None = None  # innermost function name; None at module (or class) level
    is_async: bool = False
    guarded: bool = False


@dataclass
class _Raw:
    node: ast.Call
    call: Call
    ctx: _Ctx


@dataclass
class _Reader:
    path: str
    notebook: bool = False
    line_map: list[int] | None = None  # parsed line -> line in the file (notebooks)
    aliases: dict[str, str] = field(default_factory=dict)
    bindings: dict[str, set[str]] = field(default_factory=dict)  # name -> kinds bound
    constants: dict[str, set[object]] = field(default_factory=dict)
    server_names: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)
    edges: dict[str, set[str]] = field(default_factory=dict)
    top_calls: dict[str, int] = field(default_factory=dict)  # function -> line called
    raws: list[_Raw] = field(default_factory=list)
    imports: list[ImportFact] = field(default_factory=list)
    loops: list[LoopAtImport] = field(default_factory=list)
    worker_classes: list[Launch] = field(default_factory=list)

    # --- pass 1: names ---------------------------------------------------------------

    def collect_names(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.aliases[alias.asname] = alias.name
                    else:
                        head = alias.name.partition(".")[0]
                        self.aliases[head] = head
                    self._bind(alias.asname or alias.name.partition(".")[0], "object")
                    self._import_fact(node, alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                    self._bind(alias.asname or alias.name, "object")
                    self._import_fact(node, node.module)
                    self._import_fact(node, f"{node.module}.{alias.name}")
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self._bind_value(target.id, node.value)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self._bind(node.name, "object")
                if not isinstance(node, ast.ClassDef):
                    self.functions.add(node.name)

    def _import_fact(self, node: ast.stmt, module: str) -> None:
        if module.startswith("uvicorn"):
            self.imports.append(ImportFact(self.span(node), module))

    def _bind(self, name: str, kind: str) -> None:
        self.bindings.setdefault(name, set()).add(kind)

    def _bind_value(self, name: str, value: ast.expr) -> None:
        if isinstance(value, ast.Constant):
            self.constants.setdefault(name, set()).add(value.value)
            kind = "str" if isinstance(value.value, str) else "constant"
        elif isinstance(value, ast.Call) and self.qualname(value.func) in _SERVERS:
            self.server_names.add(name)
            kind = "object"
        else:
            kind = self._expr_kind(value)
        self._bind(name, kind)

    def _expr_kind(self, expr: ast.expr) -> str:
        """ "str" for expressions that are surely strings, "object" for calls and the like."""
        if isinstance(expr, ast.Constant):
            return "str" if isinstance(expr.value, str) else "constant"
        if isinstance(expr, ast.JoinedStr):
            return "str"
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add | ast.Mod):
            sides = {self._expr_kind(expr.left), self._expr_kind(expr.right)}
            return "str" if "str" in sides else "unknown"
        if isinstance(expr, ast.Call):
            name = self.qualname(expr.func) or _dotted(expr.func)
            if name in _STRING_CALLS or name.endswith(".format"):
                return "str"
            return "object"
        if isinstance(expr, ast.Name):
            kinds = self.bindings.get(expr.id)
            return next(iter(kinds)) if kinds and len(kinds) == 1 else "unknown"
        if isinstance(expr, ast.Attribute | ast.Lambda):
            return "object"
        return "unknown"

    def qualname(self, expr: ast.expr) -> str | None:
        parts: list[str] = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if isinstance(expr, ast.Name) and (base := self.aliases.get(expr.id)) is not None:
            return ".".join([base, *reversed(parts)])
        return None

    # --- pass 2: calls in context ----------------------------------------------------

    def walk(self, node: ast.AST, ctx: _Ctx) -> None:
        for child in ast.iter_child_nodes(node):
            self._node(child, ctx)

    def _node(self, node: ast.AST, ctx: _Ctx) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.walk(node, _Ctx(node.name, isinstance(node, ast.AsyncFunctionDef), ctx.guarded))
        elif isinstance(node, ast.Lambda):
            self.walk(node, _Ctx("<lambda>", False, ctx.guarded))
        elif isinstance(node, ast.If) and (sense := self._main_guard(node.test)) is not None:
            guarded = _Ctx(ctx.func, ctx.is_async, True)
            for stmt in node.body:
                self._node(stmt, guarded if sense else ctx)
            for stmt in node.orelse:
                self._node(stmt, ctx if sense else guarded)
        else:
            if isinstance(node, ast.Call):
                self._on_call(node, ctx)
            elif isinstance(node, ast.Assign) and ctx.func is None:
                self._worker_class(node)
            self.walk(node, ctx)

    def _worker_class(self, node: ast.Assign) -> None:
        """A gunicorn config file's `worker_class = "..."`."""
        value = node.value
        if (
            any(isinstance(t, ast.Name) and t.id == "worker_class" for t in node.targets)
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            self.worker_classes.append(
                Launch(
                    self.span(node),
                    "gunicorn",
                    "gunicorn-config",
                    _short(f"worker_class = {value.value!r}"),
                    options={"worker_class": value.value},
                )
            )

    def _main_guard(self, test: ast.expr) -> bool | None:
        """True for `__name__ == "__main__"`, False for `!=`, None otherwise."""
        if self.notebook:
            return None  # in a kernel, __name__ is "__main__": the guard guards nothing
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return None
        sides = [test.left, test.comparators[0]]
        names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
        mains = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
        if not (names and mains):
            return None
        if isinstance(test.ops[0], ast.Eq):
            return True
        return False if isinstance(test.ops[0], ast.NotEq) else None

    def _on_call(self, node: ast.Call, ctx: _Ctx) -> None:
        func = node.func
        name = self.qualname(func)
        if name in _LAUNCHERS:
            self.raws.append(_Raw(node, _LAUNCHERS[name], ctx))
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "run"
            and (
                (isinstance(func.value, ast.Name) and func.value.id in self.server_names)
                or (isinstance(func.value, ast.Call) and self.qualname(func.value.func) in _SERVERS)
            )
        ):
            self.raws.append(_Raw(node, "server-run", ctx))
        if isinstance(func, ast.Name) and func.id in self.functions:
            if ctx.func is None:
                if not ctx.guarded:
                    self.top_calls.setdefault(func.id, node.lineno)
            else:
                self.edges.setdefault(ctx.func, set()).add(func.id)
        if ctx.func is None and not ctx.guarded and not self.notebook:
            is_loop = name == "asyncio.run" or (
                isinstance(func, ast.Attribute) and func.attr in _LOOP_RUNNERS
            )
            if is_loop:
                self.loops.append(LoopAtImport(self.span(node), _short(ast.unparse(node))))

    # --- results ---------------------------------------------------------------------

    def span(self, node: ast.stmt | ast.expr) -> Span:
        line, end = node.lineno, node.end_lineno
        if self.line_map is not None:
            line = self.line_map[line - 1]
            end = self.line_map[end - 1] if end is not None else None
        return Span(self.path, line, node.col_offset + 1, end)

    def launches(self, module: str | None) -> list[Launch]:
        at_import = self._import_time_functions()
        out: list[Launch] = []
        for raw in self.raws:
            ctx = raw.ctx
            guard_missing, note = False, ""
            if ctx.func is None:
                guard_missing = not ctx.guarded
            elif ctx.func in at_import:
                guard_missing, note = True, at_import[ctx.func]
            contexts: set[str] = set()
            if ctx.is_async:
                contexts.add("async")
            if self.notebook and (ctx.func is None or ctx.func in at_import):
                contexts.add("notebook")
            app, app_ref, options = self._arguments(raw)
            out.append(
                Launch(
                    span=self.span(raw.node),
                    via="python",
                    call=raw.call,
                    text=_short(ast.unparse(raw.node)),
                    app=app,
                    app_ref=app_ref,
                    options=options,
                    guard_missing=guard_missing and not self.notebook,
                    guard_note=note,
                    contexts=frozenset(contexts),
                    module=module,
                )
            )
        return out + self.worker_classes

    def _import_time_functions(self) -> dict[str, str]:
        """Functions that module-level code runs, each with how: `main() (line 12)`."""
        reached: dict[str, str] = {}
        todo = [
            (name, f"{name}() called at line {self._line(line)}")
            for name, line in self.top_calls.items()
        ]
        while todo:
            name, how = todo.pop()
            if name in reached:
                continue
            reached[name] = how
            todo += [(callee, f"{callee}() via {how}") for callee in self.edges.get(name, ())]
        return reached

    def _line(self, line: int) -> int:
        return self.line_map[line - 1] if self.line_map is not None else line

    def _arguments(self, raw: _Raw) -> tuple[AppKind, str | None, dict[str, OptionValue]]:
        node = raw.node
        options: dict[str, OptionValue] = {}
        app_expr: ast.expr | None = node.args[0] if node.args and raw.call != "server-run" else None
        for kw in node.keywords:
            if kw.arg is None:
                continue  # **kwargs: unknown, so nothing is claimed about it
            if kw.arg == "app" and raw.call != "server-run":
                app_expr = kw.value
                continue
            value = self._literal(kw.value)
            if isinstance(kw.value, ast.Constant) and kw.value.value is None:
                continue  # an explicit None is the option's default
            options[kw.arg] = value
        if app_expr is None:
            return "unknown", None, options
        kind = self._expr_kind(app_expr)
        ref = self._literal(app_expr)
        if kind == "str":
            return "import-string", ref if isinstance(ref, str) else None, options
        if kind in ("object", "constant"):
            return "object", None, options
        return "unknown", None, options

    def _literal(self, expr: ast.expr) -> OptionValue:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, bool | int | float | str):
            return expr.value
        if isinstance(expr, ast.Name):
            values = self.constants.get(expr.id)
            if (
                values
                and len(values) == 1
                and self.bindings.get(expr.id, set())
                <= {
                    "str",
                    "constant",
                }
            ):
                value = next(iter(values))
                if isinstance(value, bool | int | float | str):
                    return value
        return None


def _dotted(expr: ast.expr) -> str:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return f"{_dotted(expr.value)}.{expr.attr}"
    return ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def parse(source: bytes | str, path: str, *, notebook: bool = False) -> ast.Module:
    """Parse; raise SyntaxError or ValueError (null bytes) for the caller to report."""
    flags = ast.PyCF_ONLY_AST | (ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if notebook else 0)
    tree = compile(source, path, "exec", flags, dont_inherit=True)
    assert isinstance(tree, ast.Module)
    return tree


def read_tree(
    tree: ast.Module,
    path: str,
    *,
    module: str | None = None,
    notebook: bool = False,
    line_map: list[int] | None = None,
) -> FileFacts:
    """The launches, uvicorn imports and import-time loops of one parsed file."""
    reader = _Reader(path, notebook, line_map)
    reader.collect_names(tree)
    reader.walk(tree, _Ctx())
    return FileFacts(
        path,
        tuple(reader.launches(module)),
        tuple(reader.imports),
        tuple(reader.loops),
    )


def notebook_source(cells: Iterable[object], raw_text: str) -> tuple[str, list[int]]:
    """Join a notebook's code cells into one module, and map its lines to the JSON file's.

    IPython magics and shell escapes become comments so the rest still parses.
    A line is located in the JSON text by its encoded form, searched from the
    previous one onwards; when that fails the cell's first line stands in.
    """
    import json

    lines: list[str] = []
    line_map: list[int] = []
    offset = 0
    line_no = 1
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        for line in text.splitlines():
            stripped = line.lstrip()
            magic = stripped.startswith(("%", "!")) or stripped.endswith("?")
            encoded = json.dumps(line + "\n", ensure_ascii=False)[1:-1]
            found = raw_text.find(encoded, offset) if line.strip() else -1
            if found < 0:
                found = raw_text.find(json.dumps(line, ensure_ascii=False)[1:-1], offset)
            if found >= 0:
                line_no = raw_text.count("\n", 0, found) + 1
                offset = found + 1
            lines.append("#" + line if magic else line)
            line_map.append(line_no)
        lines.append("")
        line_map.append(line_no)
    return "\n".join(lines) + "\n", line_map


def loops_at_import(tree: ast.Module, path: str) -> FileFacts:
    """Only the module-level event-loop runs of a file that never mentions uvicorn.

    An application module does not need to import uvicorn to break under it;
    this pass looks at module-level statements only, so it stays cheap.
    """
    reader = _Reader(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            reader.collect_names(ast.Module(body=[node], type_ignores=[]))
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        stmt = todo.pop()
        if isinstance(stmt, ast.If) and reader._main_guard(stmt.test) is not None:
            continue
        if isinstance(stmt, ast.If | ast.Try | ast.With):
            todo += [s for s in ast.iter_child_nodes(stmt) if isinstance(s, ast.stmt)]
        elif isinstance(stmt, ast.Expr | ast.Assign | ast.AnnAssign):
            for node in ast.walk(stmt):
                if isinstance(node, ast.Call):
                    reader._on_call(node, _Ctx())
    loops = sorted(reader.loops, key=lambda loop: loop.span.line)
    return FileFacts(path, loops_at_import=tuple(loops))

"""Message templates from Python source, read with ``ast`` (nothing is imported or run).

What counts as a message (the *sinks*):

* log calls: ``logger.info/warning/warn/error/exception/debug/critical/fatal/trace(msg,
  ...)`` and ``logger.log(level, msg, ...)`` on any receiver named like a logger
  (``logger``, ``self.logger``, ``log``, ``access_logger``, ``logging``,
  ``logging.getLogger(...)``), multiprocessing's ``util.debug/info/sub_debug/
  sub_warning``, and asyncio's ``call_exception_handler({"message": ...})``;
* exceptions: ``raise X(msg)`` and any call of an exception class (``*Error``,
  ``*Exception``, ``*Warning``, ``*Exit`` or a class of the same tree that derives
  from one), ``click.BadParameter/UsageError``, ``ctx.fail``/``self.fail`` in click
  code, ``super().__init__(msg)`` and ``__str__`` of exception classes; OSError
  with an errno renders as ``[Errno {}] msg``;
* ``print(...)``, ``click.echo/secho(...)``, ``sys.stdout/stderr.write(...)``;
* ``sys.exit("...")``; ``warnings.warn(msg, Category)`` (and ``warn``/``_warn``).

The message argument is evaluated symbolically: string constants, f-strings,
``+`` concatenation, ``"..." % args``, ``"...".format(...)``, ``click.style(x)``,
conditional expressions, and names bound earlier in the function, the class or the
module (``msg = "..."``, ``*_MESSAGE = "..."``), followed through branches in
source order. A log call with arguments applies ``%`` formatting, as logging does.
Values that cannot be known become holes. Functions that pass one of their
parameters to a sink (h11's ``validate(regex, data, msg, *args)``) are followed to
their callers in the same tree, so the constants passed to them are messages too.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from troubleshoot.catalog import template as tpl
from troubleshoot.catalog.template import Hole, Lit

_LOG_METHODS = {
    "debug": "debug",
    "info": "info",
    "warning": "warning",
    "warn": "warning",
    "error": "error",
    "exception": "error",
    "critical": "critical",
    "fatal": "critical",
    "trace": "trace",
}
_MP_LOG_FUNCTIONS = {
    "debug": "debug",
    "info": "info",
    "sub_debug": "subdebug",
    "sub_warning": "subwarning",
    "warn": "warning",
}
_LEVEL_NAMES = {
    "TRACE_LOG_LEVEL": "trace",
    "TRACE": "trace",
    "DEBUG": "debug",
    "INFO": "info",
    "WARNING": "warning",
    "WARN": "warning",
    "ERROR": "error",
    "CRITICAL": "critical",
    "FATAL": "critical",
    "SUBDEBUG": "subdebug",
    "SUBWARNING": "subwarning",
}
_LEVEL_NUMBERS = {5: "trace", 10: "debug", 20: "info", 30: "warning", 40: "error", 50: "critical"}
_LOGGERISH = re.compile(r"^_*(?:\w+_)?(?:logger|log|logging)(?:_\w+)?$", re.IGNORECASE)
_EXCEPTION_NAME = re.compile(r"(?:Error|Exception|Exit|Warning|Interrupt)$")
_OS_ERRORS = frozenset(
    {
        "OSError",
        "IOError",
        "EnvironmentError",
        "error",  # socket.error
        "ConnectionError",
        "ConnectionResetError",
        "ConnectionRefusedError",
        "ConnectionAbortedError",
        "BrokenPipeError",
        "FileNotFoundError",
        "FileExistsError",
        "PermissionError",
        "TimeoutError",
        "BlockingIOError",
        "InterruptedError",
        "IsADirectoryError",
        "NotADirectoryError",
        "ChildProcessError",
        "ProcessLookupError",
    }
)
_CLICK_ERRORS = frozenset(
    {"BadParameter", "UsageError", "ClickException", "FileError", "BadOptionUsage", "NoSuchOption"}
)
_MAX_ALTERNATIVES = 16


@dataclass(frozen=True)
class ParamRef:
    """A function parameter standing in a message, with the formatting applied to it."""

    function: str
    param: str
    transforms: tuple[str, ...] = ()


XPart = Lit | Hole | ParamRef
XParts = tuple[XPart, ...]


@dataclass(frozen=True)
class Occurrence:
    """One message template found at one place of one source file."""

    kind: str  # "log" | "raise" | "print" | "warn" | "exit"
    level: str | None  # logs only
    exc_type: str | None  # raises (exception class) and warns (category)
    parts: tpl.Parts
    module: str  # "uvicorn/lifespan/on.py"
    function: str  # "LifespanOn.startup", "<module>"
    line: int

    @property
    def template(self) -> str:
        return tpl.text(self.parts)


@dataclass(frozen=True)
class _Strs:
    alternatives: tuple[XParts, ...]


@dataclass(frozen=True)
class _Dict:
    items: tuple[tuple[str, _Value], ...]

    def get(self, key: str) -> _Value:
        for name, value in self.items:
            if name == key:
                return value
        return None


@dataclass(frozen=True)
class _Tuple:
    items: tuple[_Value, ...]


_Value = _Strs | _Dict | _Tuple | None
_Env = dict[str, _Value]
_Returns = dict[str, _Value]


@dataclass(frozen=True)
class _Sink:
    """A sink reached by parts that still hold a parameter (its function forwards messages)."""

    kind: str
    level: str | None
    exc_type: str | None
    parts: XParts
    module: str
    function: str
    line: int


@dataclass(frozen=True)
class _CallSite:
    """A call of some function with string arguments, to be matched against forwarders."""

    callee: str
    via_attribute: bool
    args: tuple[_Value, ...]
    keywords: tuple[tuple[str, _Value], ...]
    module: str
    function: str
    line: int


@dataclass(frozen=True)
class _Classes:
    """The exception classes of a tree (see ``_exception_classes``)."""

    exceptions: frozenset[str]
    text_elsewhere: frozenset[str]  # super().__init__(...) does not get their text
    custom: frozenset[str]  # their first argument is not their message


@dataclass(frozen=True)
class _Signature:
    params: tuple[str, ...]
    is_method: bool
    defaults: tuple[tuple[str, _Value], ...]


@dataclass
class _Tree:
    """What one pass over a whole tree collects."""

    occurrences: list[Occurrence] = field(default_factory=list)
    sinks: list[_Sink] = field(default_factory=list)
    calls: list[_CallSite] = field(default_factory=list)
    signatures: dict[str, _Signature] = field(default_factory=dict)
    returns: dict[str, list[_Value]] = field(default_factory=dict)


def _terminal(node: ast.expr) -> str | None:
    """The last name of a dotted expression: ``click.BadParameter`` -> ``BadParameter``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _is_loggerish(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        return _terminal(node.func) in {"getLogger", "get_logger"}
    name = _terminal(node)
    return bool(name and _LOGGERISH.match(name))


def _cap(alternatives: Iterable[XParts]) -> tuple[XParts, ...]:
    unique: dict[XParts, None] = {}
    for alt in alternatives:
        unique.setdefault(alt, None)
        if len(unique) >= _MAX_ALTERNATIVES:
            break
    return tuple(unique)


def _normalize(parts: Iterable[XPart]) -> XParts:
    out: list[XPart] = []
    run: list[Lit | Hole] = []
    for part in parts:
        if isinstance(part, ParamRef):
            out.extend(tpl.normalize(run))
            run = []
            out.append(part)
        else:
            run.append(part)
    out.extend(tpl.normalize(run))
    return tuple(out)


def _transform(parts: XParts, how: str) -> XParts:
    """Apply ``%`` (``how="percent"``) or ``str.format`` (``"format"``) formatting."""
    apply = tpl.percent if how == "percent" else tpl.braces
    out: list[XPart] = []
    run: list[Lit | Hole] = []
    for part in parts:
        if isinstance(part, ParamRef):
            out.extend(apply(run))
            run = []
            out.append(replace(part, transforms=(*part.transforms, how)))
        else:
            run.append(part)
    out.extend(apply(run))
    return _normalize(out)


def _concat(left: tuple[XParts, ...], right: tuple[XParts, ...]) -> tuple[XParts, ...]:
    return _cap(_normalize((*a, *b)) for a in left for b in right)


_HOLE_ONLY: tuple[XParts, ...] = ((Hole(),),)


class _Scope:
    """Name bindings visible in one function (or the module), with their class and module."""

    def __init__(
        self,
        module_env: _Env,
        class_env: _Env | None,
        class_name: str | None,
        returns: _Returns,
        class_qualname: str | None = None,
    ) -> None:
        self.module_env = module_env
        self.class_env = class_env
        self.class_name = class_name
        self.returns = returns  # what functions of the tree return (from a first pass)
        self.class_qualname = class_qualname

    def returned(self, func: ast.expr) -> _Value:
        """What ``f()`` (a module function) or ``self.m()`` (a method) returns, if known."""
        if isinstance(func, ast.Name):
            return self.returns.get(func.id)
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in {"self", "cls"}
            and self.class_qualname is not None
        ):
            return self.returns.get(f"{self.class_qualname}.{func.attr}")
        return None

    def lookup(self, env: _Env, name: str) -> _Value:
        if name in env:
            return env[name]
        return self.module_env.get(name)

    def attribute(self, node: ast.Attribute) -> _Value:
        base = node.value
        if (
            self.class_env is not None
            and isinstance(base, ast.Name)
            and base.id in {"self", "cls", self.class_name}
        ):
            return self.class_env.get(node.attr)
        return None


def _evaluate(node: ast.expr | None, env: _Env, scope: _Scope) -> _Value:
    """The possible string values of an expression (or a dict literal), None if unknown."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return _Strs(((Lit(node.value),),)) if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return _Strs(_fstring(node, env, scope))
    if isinstance(node, ast.Name):
        return scope.lookup(env, node.id)
    if isinstance(node, ast.Attribute):
        return scope.attribute(node)
    if isinstance(node, ast.BinOp):
        return _binop(node, env, scope)
    if isinstance(node, ast.IfExp):
        body = _strings(node.body, env, scope)
        orelse = _strings(node.orelse, env, scope)
        if body is None and orelse is None:
            return None
        return _Strs(_cap((*(body or _HOLE_ONLY), *(orelse or _HOLE_ONLY))))
    if isinstance(node, ast.Call):
        return _call_value(node, env, scope)
    if isinstance(node, ast.Tuple):
        return _Tuple(tuple(_evaluate(e, env, scope) for e in node.elts))
    if isinstance(node, ast.Dict):
        items = tuple(
            (key.value, _evaluate(value, env, scope))
            for key, value in zip(node.keys, node.values, strict=True)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        )
        return _Dict(items)
    return None


def _strings(node: ast.expr | None, env: _Env, scope: _Scope) -> tuple[XParts, ...] | None:
    value = _evaluate(node, env, scope)
    return value.alternatives if isinstance(value, _Strs) else None


def _strings_or_hole(node: ast.expr, env: _Env, scope: _Scope) -> tuple[XParts, ...]:
    return _strings(node, env, scope) or _HOLE_ONLY


def _fstring(node: ast.JoinedStr, env: _Env, scope: _Scope) -> tuple[XParts, ...]:
    result: tuple[XParts, ...] = ((),)
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            piece: tuple[XParts, ...] = ((Lit(value.value),),)
        elif isinstance(value, ast.FormattedValue):
            inlined = None
            if value.conversion == -1 and value.format_spec is None:
                # f"{addr_format}" where addr_format is a known string: inline it (but a
                # parameter in an f-string is a value, not a message passed through).
                inlined = _strings(value.value, env, scope)
                if inlined and any(isinstance(p, ParamRef) for alt in inlined for p in alt):
                    inlined = None
            piece = inlined or ((Hole(),),)
        else:
            piece = ((Hole(),),)
        result = _concat(result, piece)
    return result


def _binop(node: ast.BinOp, env: _Env, scope: _Scope) -> _Value:
    if isinstance(node.op, ast.Add):
        left = _strings(node.left, env, scope)
        right = _strings(node.right, env, scope)
        if left is None and right is None:
            return None
        return _Strs(_concat(left or _HOLE_ONLY, right or _HOLE_ONLY))
    if isinstance(node.op, ast.Mod):
        left = _strings(node.left, env, scope)
        if left is None:
            return None
        return _Strs(_cap(_transform(alt, "percent") for alt in left))
    return None


def _call_value(node: ast.Call, env: _Env, scope: _Scope) -> _Value:
    func = node.func
    name = _terminal(func)
    if isinstance(func, ast.Attribute) and func.attr == "format":
        base = _strings(func.value, env, scope)
        if base is None:
            return None
        return _Strs(_cap(_transform(alt, "format") for alt in base))
    if name == "style" and node.args:  # click.style(text, fg=...): the text, without colours
        return _evaluate(node.args[0], env, scope)
    if name in {"str", "repr", "format"} and isinstance(func, ast.Name):
        return _Strs(_HOLE_ONLY)
    if isinstance(func, ast.Attribute) and func.attr in {"strip", "rstrip", "lstrip"}:
        return _evaluate(func.value, env, scope)
    return scope.returned(func)


@dataclass(frozen=True)
class _Message:
    kind: str
    level: str | None
    exc_type: str | None
    alternatives: tuple[XParts, ...]


class _FileVisitor:
    """Walks one module: statements in source order, tracking name bindings."""

    def __init__(
        self,
        module: str,
        tree: _Tree,
        classes: _Classes,
        returns: _Returns,
    ) -> None:
        self.module = module
        self.returns = returns
        self.tree = tree
        self.exception_classes = classes.exceptions
        # Exceptions whose __str__ builds the text: their arguments are not the message.
        self.str_classes = classes.text_elsewhere
        # Exceptions whose first argument is not the message (__str__ or own __init__).
        self.custom_classes = classes.custom
        self.uses_click = False
        self.is_multiprocessing = module.startswith("multiprocessing/")

    # -- bindings -------------------------------------------------------------------------
    def run(self, root: ast.Module) -> None:
        self.uses_click = any(
            (
                isinstance(node, ast.Import | ast.ImportFrom)
                and any(alias.name.split(".")[0] == "click" for alias in node.names)
            )
            or (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("click"))
            for node in ast.walk(root)
        )
        module_env: _Env = {}
        scope = _Scope(module_env, None, None, self.returns)
        # First the module's own bindings (functions see their final state), then the walk.
        self._bind_all(root.body, module_env, scope)
        self._block(root.body, dict(module_env), scope, "<module>")

    def _bind_all(self, body: Sequence[ast.stmt], env: _Env, scope: _Scope) -> None:
        for stmt in body:
            if isinstance(stmt, ast.If | ast.Try):
                for block in _sub_blocks(stmt):
                    self._bind_all(block, env, scope)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
                self._assign(stmt, env, scope, union=True)

    def _assign(
        self,
        stmt: ast.Assign | ast.AnnAssign | ast.AugAssign,
        env: _Env,
        scope: _Scope,
        *,
        union: bool = False,
    ) -> None:
        if isinstance(stmt, ast.AugAssign):
            if isinstance(stmt.target, ast.Name) and isinstance(stmt.op, ast.Add):
                old = _strings(stmt.target, env, scope)
                new = _strings(stmt.value, env, scope)
                env[stmt.target.id] = (
                    _Strs(_concat(old, new or _HOLE_ONLY)) if old is not None else None
                )
            elif isinstance(stmt.target, ast.Name):
                env[stmt.target.id] = None
            return
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = _evaluate(stmt.value, env, scope) if stmt.value is not None else None
        for target in targets:
            if isinstance(target, ast.Name):
                old_value = env.get(target.id)
                if union and isinstance(old_value, _Strs) and isinstance(value, _Strs):
                    value = _Strs(_cap((*old_value.alternatives, *value.alternatives)))
                env[target.id] = value
            elif isinstance(target, ast.Tuple | ast.List):
                # message, color_message = _get_server_start_message(...)
                items = value.items if isinstance(value, _Tuple) else ()
                for index, element in enumerate(target.elts):
                    if isinstance(element, ast.Name):
                        same = len(items) == len(target.elts)
                        env[element.id] = items[index] if same else None

    # -- statements -------------------------------------------------------------------------
    def _block(self, body: Sequence[ast.stmt], env: _Env, scope: _Scope, function: str) -> _Env:
        for stmt in body:
            env = self._statement(stmt, env, scope, function)
        return env

    def _statement(self, stmt: ast.stmt, env: _Env, scope: _Scope, function: str) -> _Env:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            self._function(stmt, env, scope, function)
            return env
        if isinstance(stmt, ast.ClassDef):
            self._class(stmt, scope, function)
            return env
        if isinstance(stmt, ast.If | ast.While):
            self._scan(stmt.test, env, scope, function)
            body = self._block(stmt.body, dict(env), scope, function)
            orelse = self._block(stmt.orelse, dict(env), scope, function)
            return _merge(body, orelse)
        if isinstance(stmt, ast.For | ast.AsyncFor):
            self._scan(stmt.iter, env, scope, function)
            inner = dict(env)
            _kill_targets(stmt.target, inner)
            body = self._block(stmt.body, inner, scope, function)
            merged = _merge(env, body)
            return _merge(merged, self._block(stmt.orelse, dict(merged), scope, function))
        if isinstance(stmt, ast.With | ast.AsyncWith):
            for item in stmt.items:
                self._scan(item.context_expr, env, scope, function)
                if item.optional_vars is not None:
                    _kill_targets(item.optional_vars, env)
            return self._block(stmt.body, env, scope, function)
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            return self._try(stmt, env, scope, function)
        if isinstance(stmt, ast.Match):
            self._scan(stmt.subject, env, scope, function)
            result = dict(env)
            for case in stmt.cases:
                result = _merge(result, self._block(case.body, dict(env), scope, function))
            return result
        # A simple statement: its calls see the bindings before it, then it binds.
        self._scan(stmt, env, scope, function)
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            self._raise(stmt.exc, env, scope, function)
        if isinstance(stmt, ast.Return) and function.endswith(".__str__") and stmt.value:
            self._str_return(stmt, env, scope, function)
        if isinstance(stmt, ast.Return) and function != "<module>":
            value = _evaluate(stmt.value, env, scope) if stmt.value is not None else None
            self.tree.returns.setdefault(function, []).append(_without_params(value))
        if isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
            self._assign(stmt, env, scope)
        return env

    def _try(self, stmt: ast.stmt, env: _Env, scope: _Scope, function: str) -> _Env:
        body_env = self._block(getattr(stmt, "body", []), dict(env), scope, function)
        result = _merge(env, body_env)
        for handler in getattr(stmt, "handlers", []):
            handler_env = dict(_merge(env, body_env))
            if handler.name:
                handler_env[handler.name] = None
            if handler.type is not None:
                self._scan(handler.type, handler_env, scope, function)
            result = _merge(result, self._block(handler.body, handler_env, scope, function))
        result = _merge(
            result, self._block(getattr(stmt, "orelse", []), dict(body_env), scope, function)
        )
        return self._block(getattr(stmt, "finalbody", []), result, scope, function)

    def _function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        env: _Env,
        scope: _Scope,
        outer: str,
    ) -> None:
        qualname = node.name if outer == "<module>" else f"{outer}.{node.name}"
        args = node.args
        positional = [a.arg for a in (*args.posonlyargs, *args.args)]
        inner: _Env = dict(env) if outer != "<module>" else {}
        for name in [*positional, *(a.arg for a in args.kwonlyargs)]:
            inner[name] = _Strs(((ParamRef(qualname, name),),))
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                inner[extra.arg] = None
        defaults: list[tuple[str, _Value]] = []
        for name, default in zip(reversed(positional), reversed(args.defaults), strict=False):
            defaults.append((name, _evaluate(default, env, scope)))
        for kwarg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if kw_default is not None:
                defaults.append((kwarg.arg, _evaluate(kw_default, env, scope)))
        self.tree.signatures.setdefault(
            qualname,
            _Signature(
                params=tuple(positional),
                is_method=bool(positional) and positional[0] in {"self", "cls"},
                defaults=tuple(defaults),
            ),
        )
        for decorator in node.decorator_list:
            self._scan(decorator, env, scope, outer)
        self._block(node.body, inner, scope, qualname)

    def _class(self, node: ast.ClassDef, scope: _Scope, outer: str) -> None:
        qualname = node.name if outer == "<module>" else f"{outer}.{node.name}"
        class_env: _Env = {}
        class_scope = _Scope(scope.module_env, class_env, node.name, self.returns, qualname)
        self._bind_all(node.body, class_env, class_scope)
        for stmt in node.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                self._function(stmt, {}, class_scope, qualname)
            else:
                self._statement(stmt, dict(class_env), class_scope, qualname)

    # -- sinks ------------------------------------------------------------------------------
    def _scan(self, node: ast.AST, env: _Env, scope: _Scope, function: str) -> None:
        """Every call inside a simple statement or an expression (not in nested defs)."""
        for child in _walk_calls(node):
            self._call(child, env, scope, function)

    def _emit(self, message: _Message, function: str, line: int) -> None:
        for alt in message.alternatives:
            if any(isinstance(p, ParamRef) for p in alt):
                self.tree.sinks.append(
                    _Sink(
                        message.kind,
                        message.level,
                        message.exc_type,
                        alt,
                        self.module,
                        function,
                        line,
                    )
                )
            # A parameter is also just a value: the sink's own text, with a hole for it.
            parts = tpl.normalize(Hole() if isinstance(p, ParamRef) else p for p in alt)
            if any(isinstance(p, Lit) and p.text.strip() for p in parts):
                self.tree.occurrences.append(
                    Occurrence(
                        message.kind,
                        message.level,
                        message.exc_type,
                        parts,
                        self.module,
                        function,
                        line,
                    )
                )

    def _call(self, node: ast.Call, env: _Env, scope: _Scope, function: str) -> None:
        message = self._sink(node, env, scope, function)
        if message is not None:
            self._emit(message, function, node.lineno)
            return
        callee = _terminal(node.func)
        if callee is None:
            return
        args = tuple(_evaluate(a, env, scope) for a in node.args if not isinstance(a, ast.Starred))
        keywords = tuple(
            (kw.arg, _evaluate(kw.value, env, scope)) for kw in node.keywords if kw.arg
        )
        if any(isinstance(v, _Strs) for v in (*args, *(v for _, v in keywords))):
            self.tree.calls.append(
                _CallSite(
                    callee,
                    isinstance(node.func, ast.Attribute),
                    args,
                    keywords,
                    self.module,
                    function,
                    node.lineno,
                )
            )

    def _sink(self, node: ast.Call, env: _Env, scope: _Scope, function: str) -> _Message | None:
        func = node.func
        name = _terminal(func)
        receiver = func.value if isinstance(func, ast.Attribute) else None
        dotted = _dotted(func) or ""
        # Logging.
        if receiver is not None and name in _LOG_METHODS and _is_loggerish(receiver):
            return self._log(node, 0, _LOG_METHODS[name], env, scope)
        if receiver is not None and name == "log" and _is_loggerish(receiver) and node.args:
            return self._log(node, 1, _level(node.args[0]), env, scope)
        if name in _MP_LOG_FUNCTIONS and (
            (receiver is not None and _terminal(receiver) == "util")
            or (receiver is None and self.is_multiprocessing)
        ):
            return self._log(node, 0, _MP_LOG_FUNCTIONS[name], env, scope)
        if name == "call_exception_handler" and node.args:
            context = _evaluate(node.args[0], env, scope)
            if isinstance(context, _Dict):
                text = context.get("message")
                if isinstance(text, _Strs):
                    return _Message("log", "error", None, text.alternatives)
            return None
        # Output.
        if dotted == "print" or (
            name in {"echo", "secho"}
            and (dotted.startswith("click.") or isinstance(func, ast.Name))
        ):
            return self._print(node, env, scope)
        if dotted in {"sys.stdout.write", "sys.stderr.write", "sys.__stderr__.write"}:
            return self._first(node, env, scope, kind="print")
        if dotted in {"sys.exit", "exit", "quit"}:
            return self._first(node, env, scope, kind="exit")
        if dotted in {"warnings.warn", "warn", "_warn", "warnings.warn_explicit"}:
            category = _warning_category(node)
            return self._first(node, env, scope, kind="warn", exc_type=category)
        # Exceptions.
        if name in {"fail"} and self.uses_click and isinstance(receiver, ast.Name):
            exc = "UsageError" if receiver.id == "ctx" else "BadParameter"
            return self._first(node, env, scope, kind="raise", exc_type=exc)
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "__init__"
            and isinstance(func.value, ast.Call)
            and _terminal(func.value.func) == "super"
            and scope.class_name in self.exception_classes
        ):
            if scope.class_name in self.str_classes:
                return None
            return self._exception(node, scope.class_name, env, scope)
        if name is not None and self._is_exception(name):
            if name in self.custom_classes:
                return None
            return self._exception(node, name, env, scope)
        return None

    def _raise(self, exc: ast.expr, env: _Env, scope: _Scope, function: str) -> None:
        """``raise X("...")`` where X's name does not say it is an exception."""
        if not isinstance(exc, ast.Call):
            return
        name = _terminal(exc.func)
        if name is None or self._is_exception(name) or name in {"type", "cls"}:
            return  # already reported by _scan, or not a class
        if name in self.custom_classes:
            return  # already reported by _scan, or not a class
        if name[:1].isupper():
            message = self._exception(exc, name, env, scope)
            if message is not None:
                self._emit(message, function, exc.lineno)

    def _str_return(self, stmt: ast.Return, env: _Env, scope: _Scope, function: str) -> None:
        if scope.class_name is None or scope.class_name not in self.exception_classes:
            return
        value = _strings(stmt.value, env, scope)
        if value is not None:
            self._emit(_Message("raise", None, scope.class_name, value), function, stmt.lineno)

    def _is_exception(self, name: str) -> bool:
        return (
            name in self.exception_classes
            or name in _CLICK_ERRORS
            or bool(_EXCEPTION_NAME.search(name) and name[:1].isupper())
        )

    def _log(
        self, node: ast.Call, index: int, level: str | None, env: _Env, scope: _Scope
    ) -> _Message | None:
        if len(node.args) <= index:
            msg_node = next((kw.value for kw in node.keywords if kw.arg == "msg"), None)
            if msg_node is None:
                return None
        else:
            msg_node = node.args[index]
        alternatives = _strings(msg_node, env, scope)
        if alternatives is None:
            return None
        if len(node.args) > index + 1:  # logging applies "msg % args" only when given args
            alternatives = _cap(_transform(alt, "percent") for alt in alternatives)
        return _Message("log", level, None, alternatives)

    def _print(self, node: ast.Call, env: _Env, scope: _Scope) -> _Message | None:
        values = [a for a in node.args if not isinstance(a, ast.Starred)]
        if not values:
            return None
        sep_node = next((kw.value for kw in node.keywords if kw.arg == "sep"), None)
        sep = " "
        if isinstance(sep_node, ast.Constant) and isinstance(sep_node.value, str):
            sep = sep_node.value
        resolved = [_strings(v, env, scope) for v in values]
        if all(r is None for r in resolved):
            return None
        result: tuple[XParts, ...] = ((),)
        for index, alternatives in enumerate(resolved):
            if index:
                result = _concat(result, ((Lit(sep),),))
            result = _concat(result, alternatives or _HOLE_ONLY)
        return _Message("print", None, None, result)

    def _first(
        self,
        node: ast.Call,
        env: _Env,
        scope: _Scope,
        *,
        kind: str,
        exc_type: str | None = None,
    ) -> _Message | None:
        first = node.args[0] if node.args else None
        if first is None:
            first = next((kw.value for kw in node.keywords if kw.arg in {"message", "msg"}), None)
        alternatives = _strings(first, env, scope)
        if alternatives is None:
            return None
        return _Message(kind, None, exc_type, alternatives)

    def _exception(self, node: ast.Call, name: str, env: _Env, scope: _Scope) -> _Message | None:
        args = [a for a in node.args if not isinstance(a, ast.Starred)]
        if name in _OS_ERRORS and len(args) >= 2 and not _is_string(args[0], env, scope):
            # OSError(errno, strerror[, filename]) renders "[Errno N] strerror[: 'filename']"
            strerror = _strings(args[1], env, scope)
            if strerror is None:
                return None
            prefix: tuple[XParts, ...] = ((Lit("[Errno "), Hole(), Lit("] ")),)
            result = _concat(prefix, strerror)
            if len(args) >= 3:
                result = _concat(result, ((Lit(": "), Hole()),))
            return _Message("raise", None, name, result)
        first = args[0] if args else None
        if first is None:
            first = next(
                (kw.value for kw in node.keywords if kw.arg in {"message", "msg", "reason"}), None
            )
        alternatives = _strings(first, env, scope)
        if alternatives is None:
            return None
        return _Message("raise", None, name, alternatives)


def _is_string(node: ast.expr, env: _Env, scope: _Scope) -> bool:
    return isinstance(_evaluate(node, env, scope), _Strs)


def _warning_category(node: ast.Call) -> str:
    category: ast.expr | None = node.args[1] if len(node.args) > 1 else None
    for kw in node.keywords:
        if kw.arg == "category":
            category = kw.value
    name = _terminal(category) if category is not None else None
    return name or "UserWarning"


def _level(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return _LEVEL_NUMBERS.get(node.value)
    name = _terminal(node)
    return _LEVEL_NAMES.get(name or "")


def _walk_calls(node: ast.AST) -> Iterator[ast.Call]:
    """Calls inside ``node`` in source order, not entering nested functions or classes."""
    stack = [node]
    found: list[ast.Call] = []
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Call):
            found.append(current)
        for child in ast.iter_child_nodes(current):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if isinstance(child, ast.Lambda):
                continue
            stack.append(child)
    found.sort(key=lambda c: (c.lineno, c.col_offset))
    return iter(found)


def _sub_blocks(stmt: ast.If | ast.Try) -> list[list[ast.stmt]]:
    if isinstance(stmt, ast.If):
        return [stmt.body, stmt.orelse]
    return [stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody]


def _kill_targets(target: ast.expr, env: _Env) -> None:
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            env[node.id] = None


def _merge(first: _Env, second: _Env) -> _Env:
    """Bindings after two alternative paths: known strings of either path."""
    merged: _Env = {}
    for name in first.keys() | second.keys():
        a, b = first.get(name), second.get(name)
        if a is b:
            merged[name] = a
        elif isinstance(a, _Strs) and isinstance(b, _Strs):
            merged[name] = _Strs(_cap((*a.alternatives, *b.alternatives)))
        elif isinstance(a, _Strs) and name not in second:
            merged[name] = a
        elif isinstance(b, _Strs) and name not in first:
            merged[name] = b
        else:
            merged[name] = a if isinstance(a, _Strs) else b
    return merged


def _without_params(value: _Value) -> _Value:
    """A value with its parameters turned into holes (what a caller gets back)."""
    if isinstance(value, _Strs):
        return _Strs(
            _cap(
                _normalize(Hole() if isinstance(p, ParamRef) else p for p in alt)
                for alt in value.alternatives
            )
        )
    if isinstance(value, _Tuple):
        return _Tuple(tuple(_without_params(v) for v in value.items))
    return None


def _union(values: Sequence[_Value]) -> _Value:
    """One value for several returns: strings of all, tuples position by position."""
    strings = [v for v in values if isinstance(v, _Strs)]
    if strings and all(v is None or isinstance(v, _Strs) for v in values):
        return _Strs(_cap(alt for v in strings for alt in v.alternatives))
    tuples = [v for v in values if isinstance(v, _Tuple)]
    if values and len(tuples) == len(values) and len({len(t.items) for t in tuples}) == 1:
        width = len(tuples[0].items)
        return _Tuple(tuple(_union([t.items[i] for t in tuples]) for i in range(width)))
    return None


def _init_passes_message(init: ast.FunctionDef) -> bool:
    """Whether ``__init__`` hands its first parameter on, unchanged, as the message."""
    params = [a.arg for a in (*init.args.posonlyargs, *init.args.args)][1:]
    if not params:
        return False
    for node in ast.walk(init):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "__init__"
        ):
            args = list(node.args)
            if args and isinstance(args[0], ast.Name) and args[0].id == "self":
                args = args[1:]  # Exception.__init__(self, msg)
            if args and isinstance(args[0], ast.Name) and args[0].id == params[0]:
                return True
    return False


def _exception_classes(modules: Iterable[ast.Module]) -> _Classes:
    """Classes of a tree that derive (in the tree) from an exception; those of them whose
    ``super().__init__(...)`` does not receive their text (it comes from a ``__str__``,
    theirs or an ancestor's, or the parent builds it); and those whose first argument is
    not their message (a ``__str__``, or an ``__init__`` that builds the message itself,
    as websockets' ``InvalidHeader(name, value)`` does)."""
    bases: dict[str, set[str]] = {}
    has_str: set[str] = set()
    init_kind: dict[str, bool] = {}  # class -> its own __init__ passes the message on
    for module in modules:
        for node in ast.walk(module):
            if isinstance(node, ast.ClassDef):
                names = {n for b in node.bases if (n := _terminal(b))}
                bases.setdefault(node.name, set()).update(names)
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__str__":
                        has_str.add(node.name)
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                        init_kind[node.name] = _init_passes_message(item)
    known = {"Exception", "BaseException"}
    found = {n for n in bases if _EXCEPTION_NAME.search(n)}
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name in found:
                continue
            if any(p in found or p in known or _EXCEPTION_NAME.search(p) for p in parents):
                found.add(name)
                changed = True
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name not in has_str and parents & has_str:
                has_str.add(name)
                changed = True
    custom = set(has_str)
    custom.update(name for name, passes in init_kind.items() if not passes)
    changed = True
    while changed:  # handing the first argument on to a parent that builds its own text
        changed = False
        for name, parents in bases.items():
            if name not in custom and parents & custom:
                custom.add(name)
                changed = True
    # A class whose parent builds its own message passes no message to super().__init__.
    custom_parent = {name for name, parents in bases.items() if parents & custom}
    return _Classes(
        exceptions=frozenset(found),
        text_elsewhere=frozenset((has_str | custom_parent) & found),
        custom=frozenset(custom & found),
    )


def _substitute(sink_parts: XParts, ref: ParamRef, value: tuple[XParts, ...]) -> tuple[XParts, ...]:
    """The sink's parts with one parameter replaced by the caller's argument."""
    alternatives: list[XParts] = []
    for arg in value:
        formatted = arg
        for how in ref.transforms:
            formatted = _transform(formatted, how)
        out: list[XPart] = []
        for part in sink_parts:
            if part == ref:
                out.extend(formatted)
            else:
                out.append(part)
        alternatives.append(_normalize(out))
    return _cap(alternatives)


def _bound_argument(call: _CallSite, signature: _Signature, param: str, *, whole: bool) -> _Value:
    """The caller's value for ``param``; its default only when it is the whole message."""
    for name, value in call.keywords:
        if name == param:
            return value
    params = list(signature.params)
    if signature.is_method and call.via_attribute:
        params = params[1:]
    if param in params and params.index(param) < len(call.args):
        return call.args[params.index(param)]
    return dict(signature.defaults).get(param) if whole else None


def _resolve_forwarders(tree: _Tree, rounds: int = 4) -> None:
    """Constants passed to functions whose parameter reaches a sink become messages."""
    sinks = list(tree.sinks)
    for _ in range(rounds):
        by_function: dict[str, list[_Sink]] = {}
        for sink in sinks:
            for part in sink.parts:
                if isinstance(part, ParamRef):
                    by_function.setdefault(part.function, []).append(sink)
        by_name: dict[str, list[str]] = {}
        for qualname in by_function:
            name = qualname.rsplit(".", 1)[-1]
            if not name.startswith("__"):  # __init__ & co: too many unrelated callers
                by_name.setdefault(name, []).append(qualname)
        new_sinks: list[_Sink] = []
        for call in tree.calls:
            for qualname in by_name.get(call.callee, []):
                signature = tree.signatures.get(qualname)
                if signature is None:
                    continue
                formatted = {
                    p.param
                    for sink in by_function[qualname]
                    for p in sink.parts
                    if isinstance(p, ParamRef) and p.function == qualname and p.transforms
                }
                for sink in by_function[qualname]:
                    own = [
                        p
                        for p in sink.parts
                        if isinstance(p, ParamRef)
                        and p.function == qualname
                        # A parameter that some path formats is formatted when args are given.
                        and (p.transforms or p.param not in formatted)
                    ]
                    for ref in own:
                        value = _bound_argument(
                            call, signature, ref.param, whole=len(sink.parts) == 1
                        )
                        if not isinstance(value, _Strs):
                            continue
                        for parts in _substitute(sink.parts, ref, value.alternatives):
                            if any(isinstance(p, ParamRef) for p in parts):
                                new_sinks.append(replace(sink, parts=parts))
                                continue
                            plain = tuple(p for p in parts if not isinstance(p, ParamRef))
                            if any(isinstance(p, Lit) and p.text.strip() for p in plain):
                                tree.occurrences.append(
                                    Occurrence(
                                        sink.kind,
                                        sink.level,
                                        sink.exc_type,
                                        plain,
                                        call.module,
                                        call.function,
                                        call.line,
                                    )
                                )
        if not new_sinks:
            break
        sinks = new_sinks


def _parse(source: bytes, filename: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in old releases
        try:
            return ast.parse(source, filename=filename)
        except SyntaxError:
            try:
                return ast.parse(source, filename=filename, feature_version=(3, 6))
            except SyntaxError:
                return None


def extract_sources(sources: Iterable[tuple[str, bytes]]) -> tuple[list[Occurrence], list[str]]:
    """Occurrences in ``(module path, source)`` pairs of one tree, and the paths not parsed."""
    parsed: list[tuple[str, ast.Module]] = []
    failed: list[str] = []
    for module, source in sources:
        root = _parse(source, module)
        if root is None:
            failed.append(module)
        else:
            parsed.append((module, root))
    classes = _exception_classes(root for _, root in parsed)
    # First pass: what each function returns; second pass: everything, knowing that.
    first = _Tree()
    for module, root in parsed:
        _FileVisitor(module, first, classes, {}).run(root)
    returns = {name: _union(values) for name, values in first.returns.items()}
    tree = _Tree()
    for module, root in parsed:
        _FileVisitor(module, tree, classes, returns).run(root)
    _resolve_forwarders(tree)
    unique = sorted(
        set(tree.occurrences),
        key=lambda o: (o.module, o.line, o.kind, o.template, o.level or "", o.exc_type or ""),
    )
    return unique, failed


def extract_source(source: str, module: str = "snippet.py") -> list[Occurrence]:
    """Occurrences in one module's source text (for tests and quick looks)."""
    found, failed = extract_sources([(module, source.encode())])
    if failed:
        raise SyntaxError(f"cannot parse {module}")
    return found


def package_root(tree: Path, package: str) -> Path | None:
    """The shallowest ``<package>/__init__.py`` folder inside an unpacked release."""
    candidates = sorted(tree.rglob(f"{package}/__init__.py"), key=lambda p: len(p.parts))
    return candidates[0].parent if candidates else None


def extract_tree(tree: Path, package: str) -> tuple[list[Occurrence], list[str]]:
    """Occurrences in one release's package folder (tests and examples left out).

    Module paths start at the package: ``uvicorn/lifespan/on.py``.
    """
    root = package_root(tree, package)
    if root is None:
        return [], []
    files = sorted(
        p for p in root.rglob("*.py") if not ({"tests", "test"} & set(p.relative_to(root).parts))
    )
    return extract_sources((p.relative_to(root.parent).as_posix(), p.read_bytes()) for p in files)


def extract_files(base: Path, files: Iterable[Path]) -> tuple[list[Occurrence], list[str]]:
    """Occurrences in the given files, module paths relative to ``base``."""
    return extract_sources((p.relative_to(base).as_posix(), p.read_bytes()) for p in files)

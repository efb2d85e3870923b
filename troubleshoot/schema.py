"""The knowledge-base entry: its schema, and validation of a parsed TOML table.

The schema is documented in ``docs/kb-schema.md``; this module is its single
implementation. ``parse_entry`` turns the dict that ``tomllib`` produced into a
frozen :class:`Entry` or collects every :class:`~troubleshoot.errors.Problem`
(file, dotted field path, reason) before raising :class:`EntryInvalid`.
``Entry.to_dict`` / ``entry_from_dict`` round-trip through JSON for the compiled
DB without re-validating.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, asdict, dataclass, field, fields
from functools import cache
from typing import Any, Literal, TypeVar, cast, get_args

from troubleshoot.conditions import CONDITION_CHOICES, CONDITIONS
from troubleshoot.errors import EntryInvalid, Problem
from troubleshoot.scan.vocabulary import CODE_DETECTORS, REQUIRED_CODE_ARGS
from troubleshoot.vocab import PLATFORMS, Kind, Severity

FixType = Literal["upgrade", "code-change", "config", "workaround"]
SignatureKind = Literal["exception", "log", "text", "frame", "code"]
BoundaryStatus = Literal["verified", "unverified"]
CodeArg = bool | int | str | tuple[str, ...]

KINDS: tuple[str, ...] = get_args(Kind)
SEVERITIES: tuple[str, ...] = get_args(Severity)
FIX_TYPES: tuple[str, ...] = get_args(FixType)
# Fixes that change the code or configuration: the repro can apply them.
TESTABLE_FIX_TYPES = ("code-change", "config", "workaround")
SIGNATURE_KINDS: tuple[str, ...] = get_args(SignatureKind)
# Kinds whose affected range describes a bug a release fixed (or must fix).
VERSIONED_KINDS = ("version-bug", "regression", "security")

SLUG = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")  # catalog slugs carry versions
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def spec(
    meaning: str,
    *,
    required: bool | str = False,
    toml: str = "",
    column: str | None = "",
    **default: Any,
) -> Any:
    """One field of the KB schema, declared once: its ``meaning`` (docs/kb-schema.md),
    whether an entry must give it (``True``, or the case in words, checked by the
    parser), its TOML type in the docs when the annotation does not say it, and its
    column in the compiled database ("" = the field's name, None = no column).
    ``default`` / ``default_factory`` as for :func:`dataclasses.field`."""
    meta = {"doc": meaning, "required": required, "toml": toml, "column": column}
    return field(metadata=meta, **default)


@dataclass(frozen=True)
class Affected:
    """``[[affected]]``: a range of releases that has the failure."""

    package: str = spec("the distribution the range is of (`uvicorn`, `h11`, ...)", required=True)
    specifier: str = spec("the releases, a PEP 440 specifier", required=True, toml="PEP 440")
    when: str | None = spec(
        "a PEP 508 marker (platform, Python) the range holds under",
        toml="PEP 508 marker",
        column="marker",
        default=None,
    )
    note: str = spec("how the range was established", default="")
    status: BoundaryStatus = spec(
        "`verified` (then kb/evidence must show it) or `unverified`", default="unverified"
    )
    needs: str | None = spec(
        "another distribution's range the failure needs in this range (`websockets<10`): "
        "a pairing, such as a websockets too old for these uvicorn releases",
        toml="PEP 508 requirement",
        column=None,
        default=None,
    )


@dataclass(frozen=True)
class Advisory:
    """``[[advisories]]``: a published security advisory the entry covers."""

    id: str = spec(
        "`PYSEC-YYYY-N`, `GHSA-xxxx-xxxx-xxxx` (lower case, as GitHub prints it), "
        "`CVE-YYYY-N` or `OSV-YYYY-N`",
        required=True,
        column="advisory_id",
    )
    aliases: tuple[str, ...] = spec(
        "the same advisory in other databases (the ids above, `SNYK-...`, `PYUP-...`); no id twice",
        default=(),
    )
    severity: str = spec(
        "the advisory's own rating, never the entry's: a CVSS v2/v3/v4 vector, optionally "
        "after its base score, or `low` / `moderate` / `medium` / `high` / `critical`; "
        "`unrated` when it gives none",
        required=True,
        default="unrated",
    )
    url: str = spec("the advisory's page, https only", default="")
    claims: str | None = spec(
        "the range the advisory states, when it differs from the range the repro "
        "established (the entry's `affected` keeps the executed truth)",
        toml="PEP 440",
        default=None,
    )
    note: str = spec("what the advisory says, and where the execution disagrees", default="")


@dataclass(frozen=True)
class Signature:
    """``[[signatures]]``: one observable trace of the failure (see the kinds below)."""

    id: str = spec("unique within the entry", required=True, column="sig_id")
    kind: SignatureKind = spec(
        "`exception`, `log`, `text`, `frame` or `code`", required=True, toml="enum"
    )
    weight: float = spec(
        "the curated prior, in (0, 1]; the matcher uses kb/measured-weights.json",
        required=True,
    )
    required: bool = spec("the entry cannot match without it", default=False)
    exc_type: str | None = spec(
        "exception: regex on the qualified type, anchored at a dotted-name boundary",
        required="for `exception`",
        toml="regex",
        default=None,
    )
    message: str | None = spec(
        "exception: regex searched in the message", toml="regex", default=None
    )
    pattern: str | None = spec(
        "log: regex searched in every line; text: in the whole paste (multi-line)",
        required="for `log` and `text`",
        toml="regex",
        default=None,
    )
    module: str | None = spec(
        "frame: regex on the dotted module (or the path)",
        required="for `frame`",
        toml="regex",
        default=None,
    )
    function: str | None = spec("frame: the function (full match)", toml="regex", default=None)
    versions: str | None = spec(
        "only these releases print it (skipped, and said, for another version in the paste)",
        toml="PEP 440",
        default=None,
    )
    note: str = spec("why the signature is there", default="", column=None)
    detector: str | None = spec(
        "code: the `doctor scan` detector (`launch`, `import`, `module-file`)",
        required="for `code`",
        column=None,
        default=None,
    )
    args: Mapping[str, CodeArg] = spec(
        "code: the detector's arguments", toml="table", column=None, default_factory=dict
    )
    # Guards, in place of look-arounds and back-references (RE2 has neither).
    unless: str | None = spec(
        "veto the hit when this matches its text (or message)",
        toml="regex",
        column=None,
        default=None,
    )
    unless_before: str | None = spec(
        "log/text: veto the hit when this occurs before it in the paste",
        toml="regex",
        column=None,
        default=None,
    )
    with_text: str | None = spec(
        "the hit needs this somewhere in the paste too", toml="regex", column=None, default=None
    )
    followed_by: str | None = spec(
        "log/text: must match after the hit; `{1}` = the pattern's group 1, escaped",
        toml="regex",
        column=None,
        default=None,
    )
    min_repeats: int = spec(
        "log/text: that many matches with the same group 1 (1 to 100)", column=None, default=1
    )
    generic: bool = spec(
        "other programs print this too: without uvicorn in the paste it is at most a likely match",
        column=None,
        default=False,
    )


@dataclass(frozen=True)
class Fix:
    """``[[fixes]]``: one fix option, best first."""

    type: FixType = spec(
        "`upgrade`, `code-change`, `config` or `workaround`", required=True, toml="enum"
    )
    title: str = spec("one line", required=True)
    body: str = spec("the fix, with code blocks", required=True, toml="Markdown")
    when_not: str = spec("when not to use this option", default="", toml="Markdown")
    versions: str | None = spec("shown only for these versions", toml="PEP 440", default=None)
    verified_by: str | None = spec(
        "the repro scenario that applies the fix; evidence must show it `fixed` on a release "
        "in `versions` (when given), else on one the entry says is affected",
        toml="scenario name",
        default=None,
    )
    unverified: str | None = spec(
        "why a `code-change`, `config` or `workaround` fix has no such scenario "
        "(a sentence of at least eight words)",
        required="one of `verified_by` / `unverified` for code-change, config, workaround",
        default=None,
    )


@dataclass(frozen=True)
class Variant:
    """``[[variants]]``: a version-specific explanation, shown instead of the summary."""

    versions: str = spec("the releases it describes", required=True, toml="PEP 440")
    summary: str = spec("what happens there", required=True, toml="Markdown")


@dataclass(frozen=True)
class Upstream:
    """``[upstream]``: where uvicorn tracked and fixed it."""

    repo: str = spec("the GitHub repository", default="Kludex/uvicorn")
    issues: tuple[int, ...] = spec(
        "issue numbers, the canonical one first", required="at least one", default=()
    )
    prs: tuple[int, ...] = spec("pull-request numbers", default=())
    commits: tuple[str, ...] = spec("commit hashes", default=())
    release: str | None = spec("the release with the fix", toml="PEP 440 version", default=None)
    links: tuple[str, ...] = spec("other pages", default=())


@dataclass(frozen=True)
class Repro:
    """``[repro]``: the runnable repro in ``fixes/<folder>/``."""

    folder: str = spec("the folder under fixes/", required="no: defaults to the id")
    platforms: tuple[str, ...] = spec(
        "where the repro can run (`linux`, `darwin`, `win32`)", default=PLATFORMS
    )
    note: str = spec("what the repro does", default="")


@dataclass(frozen=True)
class Entry:
    """One file ``kb/entries/<id>.toml``: one failure class."""

    id: str = spec(
        "lowercase slug (letters, digits, single `-` or `.` between them, as "
        "`client-disconnected-0.28.0`), equal to the file name",
        required=True,
    )
    title: str = spec("one line, what the user sees happen", required=True)
    package: str = spec("the distribution the versions refer to (`uvicorn`)", required=True)
    kind: Kind = spec(
        "`version-bug`, `regression`, `security`, `misuse`, `docs-only`, `environment`, `wontfix`",
        required=True,
        toml="enum",
    )
    severity: Severity = spec(
        "`low`, `medium`, `high`, `critical` (check-env's `--fail-on` compares against it)",
        required=True,
        toml="enum",
    )
    summary: str = spec("what happens, in a few sentences", required=True, toml="Markdown")
    mechanism: str = spec("why it breaks", required=True, toml="Markdown")
    tags: tuple[str, ...] = spec("free tags (`reload`, `ssl`, `workers`, ...)", default=())
    prevention: str = spec("how to not hit it again", default="", toml="Markdown")
    error: str = spec("the error as users see it (short, paths normalised)", default="")
    affected: tuple[Affected, ...] = spec(
        "the releases that have it (below)",
        required="for `version-bug`, `regression` and `security`",
        default=(),
    )
    fixed_in: str | None = spec("first release with the fix", toml="PEP 440 version", default=None)
    unverifiable: str | None = spec(
        "why the boundaries cannot be verified by running a repro here (a sentence, "
        "at least 8 words)",
        default=None,
    )
    conditions: Mapping[str, bool | str] = spec(
        "the configuration that triggers it; keys from a closed vocabulary (below)",
        toml="table",
        default_factory=dict,
    )
    signatures: tuple[Signature, ...] = spec(
        "how to recognise it in a paste (below)", required="yes, at least one", default=()
    )
    fixes: tuple[Fix, ...] = spec(
        "ordered fix options (below)", required="yes, at least one", default=()
    )
    variants: tuple[Variant, ...] = spec("version-specific explanations (below)", default=())
    upstream: Upstream = spec(
        "issues (canonical first), PRs, commits (below)",
        required="yes, with at least one issue",
        default_factory=Upstream,
    )
    repro: Repro | None = spec("the `fixes/<folder>/` repro (below)", default=None)
    related: tuple[str, ...] = spec(
        "other entries; each must exist", toml="array of ids", default=()
    )
    advisories: tuple[Advisory, ...] = spec(
        "published security advisories (PYSEC, GHSA, CVE, OSV ids) the entry covers (below)",
        default=(),
    )
    needs: tuple[str, ...] = spec(
        'other distributions the failure needs, name and range only (`"websockets>=14.0"`); '
        "check-env reports the entry only where they hold",
        toml="array of PEP 508 requirements",
        default=(),
    )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_version_check(self) -> bool:
        """check-env decides it from versions: a release fixes it, or its ranges pair
        the package with another one's releases (``affected.needs``)."""
        return self.has_fixed_release or (
            bool(self.affected) and any(a.needs for a in self.affected)
        )

    @property
    def has_fixed_release(self) -> bool:
        """A release fixes it: the affected range is a fact about versions, whatever the kind."""
        return self.fixed_in is not None and bool(self.affected)


# The tables an entry holds ([[affected]], [upstream], ...), as their classes.
TABLES: tuple[type, ...] = (Affected, Advisory, Signature, Fix, Variant, Upstream, Repro)


class _Collector:
    """Accumulates problems for one file while walking its table."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, path: str, reason: str) -> None:
        self.problems.append(Problem(self.file, path, reason))


T = TypeVar("T")


def _take(
    report: _Collector,
    table: Mapping[str, Any],
    path: str,
    key: str,
    typ: type | tuple[type, ...],
    *,
    required: bool = False,
    default: Any = None,
) -> Any:
    here = f"{path}.{key}" if path else key
    if key not in table:
        if required:
            report.add(here, "is required")
        return default
    value = table[key]
    # bool is an int subclass; a weight of `true` is a mistake, not 1.0.
    if isinstance(value, bool) and bool not in (typ if isinstance(typ, tuple) else (typ,)):
        report.add(here, f"must be {_type_name(typ)}, not a boolean")
        return default
    if not isinstance(value, typ):
        report.add(here, f"must be {_type_name(typ)}, got {type(value).__name__}")
        return default
    if isinstance(value, str) and required and not value.strip():
        report.add(here, "must not be empty")
        return default
    return value


def _field(report: _Collector, table: Mapping[str, Any], path: str, cls: type, key: str) -> Any:
    """:func:`_take` for a field of ``cls``: its type, whether it is required and its
    default come from the field's declaration (:func:`spec`)."""
    f = _fields_of(cls)[key]
    required = f.metadata.get("required") is True
    default = None if required else _default(f)
    return _take(report, table, path, key, _toml_type(f), required=required, default=default)


@cache
def _fields_of(cls: type) -> dict[str, Field[Any]]:
    return {f.name: f for f in fields(cls)}


def _default(f: Field[Any]) -> Any:
    if f.default is not MISSING:
        return f.default
    return f.default_factory() if f.default_factory is not MISSING else None


_SCALARS: dict[str, type | tuple[type, ...]] = {
    "str": str,
    "int": int,
    "float": (int, float),
    "bool": bool,
}


def bare_type(f: Field[Any]) -> str:
    """A field's annotation as written, without ``| None``: ``str``, ``tuple[str, ...]``."""
    return str(f.type).removesuffix(" | None")


@cache
def db_columns(cls: type) -> dict[str, Field[Any]]:
    """The fields of ``cls`` stored in a column of the compiled database, by column
    name (a field's own name unless its :func:`spec` names another; ``None``: none)."""
    return {
        f.metadata.get("column") or f.name: f
        for f in fields(cls)
        if f.metadata.get("column", "") is not None
    }


def _toml_type(f: Field[Any]) -> type | tuple[type, ...]:
    """The TOML value a field is read from, by its annotation: a scalar, an array
    (tuples), a table (mappings and nested classes); literal aliases are strings."""
    annotation = bare_type(f)
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if annotation.startswith("tuple["):
        return list
    if annotation.startswith("Mapping[") or annotation in {t.__name__ for t in TABLES}:
        return dict
    return str  # Kind, Severity, FixType, ...: Literal aliases of strings


def _type_name(typ: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "an array",
        dict: "a table",
    }
    types = typ if isinstance(typ, tuple) else (typ,)
    return " or ".join(names.get(one, one.__name__) for one in types)


def _reason(report: _Collector, value: str | None, here: str) -> None:
    """A stated reason (why something cannot be verified) must be a sentence."""
    if value is not None and len(value.split()) < 8:
        report.add(here, "must give the reason in a sentence, not a word")


def _choice(report: _Collector, value: Any, here: str, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        report.add(here, f"must be one of {', '.join(choices)}; got {value!r}")


def _names(cls: type) -> set[str]:
    """The keys a table may have: the fields of the dataclass it becomes."""
    return {f.name for f in fields(cls)}


def _unknown_keys(report: _Collector, table: Mapping[str, Any], path: str, known: set[str]) -> None:
    for key in table:
        if key not in known:
            here = f"{path}.{key}" if path else key
            report.add(here, f"unknown field (known: {', '.join(sorted(known))})")


# packaging is imported inside the validators: validation runs when the KB is
# compiled, while reading entries back (every command) must stay cheap.


def _specifier(report: _Collector, value: str | None, here: str) -> None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    if value is None:
        return
    try:
        SpecifierSet(value)
    except InvalidSpecifier as exc:
        report.add(here, f"not a PEP 440 specifier: {exc}")


def _version(report: _Collector, value: str | None, here: str) -> None:
    from packaging.version import InvalidVersion, Version

    if value is None:
        return
    try:
        Version(value)
    except InvalidVersion:
        report.add(here, f"not a PEP 440 version: {value!r}")


def _regex(report: _Collector, value: str | None, here: str) -> None:
    if value is None:
        return
    from troubleshoot import rx

    reason = rx.problem(value)
    if reason is not None:
        report.add(here, reason)


def _list_of(
    report: _Collector,
    table: Mapping[str, Any],
    path: str,
    key: str,
    item: Callable[[_Collector, Any, str], T | None],
) -> tuple[T, ...]:
    raw = _take(report, table, path, key, list, default=[])
    out: list[T] = []
    for index, value in enumerate(raw):
        parsed = item(report, value, f"{path}.{key}[{index}]" if path else f"{key}[{index}]")
        if parsed is not None:
            out.append(parsed)
    return tuple(out)


def _str_item(report: _Collector, value: Any, here: str) -> str | None:
    if not isinstance(value, str) or not value:
        report.add(here, "must be a non-empty string")
        return None
    return value


def _requirement_item(report: _Collector, value: Any, here: str) -> str | None:
    """A PEP 508 requirement naming a distribution and a version range."""
    from packaging.requirements import InvalidRequirement, Requirement

    text = _str_item(report, value, here)
    if text is None:
        return None
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        report.add(here, f"not a PEP 508 requirement: {exc}")
        return None
    if req.url or req.extras or req.marker:
        report.add(here, "give a name and a version range only, as 'websockets>=14.0'")
        return None
    return text


def _int_item(report: _Collector, value: Any, here: str) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        report.add(here, "must be a positive integer (an issue or PR number)")
        return None
    return value


def _table(report: _Collector, value: Any, here: str) -> Mapping[str, Any] | None:
    if not isinstance(value, dict):
        report.add(here, f"must be a table, got {type(value).__name__}")
        return None
    return value


def _affected(report: _Collector, value: Any, here: str) -> Affected | None:
    table = _table(report, value, here)
    if table is None:
        return None
    _unknown_keys(report, table, here, _names(Affected))
    package = _field(report, table, here, Affected, "package")
    specifier = _field(report, table, here, Affected, "specifier")
    _specifier(report, specifier, f"{here}.specifier")
    when = _field(report, table, here, Affected, "when")
    if when is not None:
        from packaging.markers import InvalidMarker, Marker

        try:
            Marker(when)
        except InvalidMarker as exc:
            report.add(f"{here}.when", f"not a PEP 508 marker: {exc}")
    status = _field(report, table, here, Affected, "status")
    _choice(report, status, f"{here}.status", get_args(BoundaryStatus))
    needs = _requirement_item(report, table["needs"], f"{here}.needs") if "needs" in table else None
    if package is None or specifier is None:
        return None
    note = _field(report, table, here, Affected, "note")
    return Affected(package, specifier, when, note, status, needs)


_SIG_FIELDS = {
    "exception": ({"exc_type"}, {"message"}),
    "log": ({"pattern"}, set()),
    "text": ({"pattern"}, set()),
    "frame": ({"module"}, {"function"}),
    "code": ({"detector"}, set()),
}


def _signature(report: _Collector, value: Any, here: str) -> Signature | None:
    table = _table(report, value, here)
    if table is None:
        return None
    common = {"id", "kind", "weight", "required", "versions", "note"}
    kind = _field(report, table, here, Signature, "kind")
    _choice(report, kind, f"{here}.kind", SIGNATURE_KINDS)
    if kind not in _SIG_FIELDS:
        return None
    needed, optional = _SIG_FIELDS[kind]
    extra = {"args"} if kind == "code" else _GUARDS.get(kind, set()) | {"generic"}
    guards = _guards(report, table, here, kind)
    _unknown_keys(report, table, here, common | needed | optional | extra)
    sig_id = _field(report, table, here, Signature, "id")
    weight = _field(report, table, here, Signature, "weight")
    if weight is not None and not 0 < weight <= 1:
        report.add(f"{here}.weight", f"must be in (0, 1], got {weight}")
    values: dict[str, Any] = {}
    for name in sorted(needed | optional):
        values[name] = _take(report, table, here, name, str, required=name in needed)
        if kind != "code":
            _regex(report, values[name], f"{here}.{name}")
    args = _code_args(report, table, here, values.get("detector")) if kind == "code" else {}
    versions = _field(report, table, here, Signature, "versions")
    _specifier(report, versions, f"{here}.versions")
    if sig_id is None or weight is None or any(values[n] is None for n in needed):
        return None
    return Signature(
        args=args,
        id=sig_id,
        kind=cast(SignatureKind, kind),
        weight=float(weight),
        required=bool(_field(report, table, here, Signature, "required")),
        versions=versions,
        note=_field(report, table, here, Signature, "note"),
        generic=bool(_field(report, table, here, Signature, "generic")),
        **guards,
        **values,
    )


_TEXT_GUARDS = {"unless", "unless_before", "with_text", "followed_by", "min_repeats"}
_GUARDS = {"exception": {"unless", "with_text"}, "log": _TEXT_GUARDS}
_GUARDS["text"] = _TEXT_GUARDS


def _guards(report: _Collector, table: Mapping[str, Any], here: str, kind: str) -> dict[str, Any]:
    """The guard fields a signature of ``kind`` may carry, checked."""
    found: dict[str, Any] = {}
    for name in sorted(_GUARDS.get(kind, set()) - {"min_repeats"}):
        value = _take(report, table, here, name, str)
        if value is not None:
            _regex(report, value.replace("{1}", "x"), f"{here}.{name}")
            found[name] = value
    if "min_repeats" in _GUARDS.get(kind, set()):
        repeats = _field(report, table, here, Signature, "min_repeats")
        if not 1 <= repeats <= 100:
            report.add(f"{here}.min_repeats", f"must be between 1 and 100, got {repeats}")
        found["min_repeats"] = repeats
    followed = found.get("followed_by")
    if (followed or found.get("min_repeats", 1) > 1) and "(" not in (table.get("pattern") or ""):
        report.add(f"{here}.pattern", "needs a group: followed_by and min_repeats use group 1")
    if followed is not None and "{1}" not in followed and kind != "text":
        report.add(f"{here}.followed_by", "must use {1} (the pattern's first group)")
    return found


def _code_args(
    report: _Collector, table: Mapping[str, Any], here: str, detector: str | None
) -> dict[str, CodeArg]:
    """Check a code signature's detector name and its ``args`` table."""
    if detector is None:
        return {}
    if detector not in CODE_DETECTORS:
        _choice(report, detector, f"{here}.detector", tuple(CODE_DETECTORS))
        return {}
    known = CODE_DETECTORS[detector]
    raw = _field(report, table, here, Signature, "args")
    _unknown_keys(report, raw, f"{here}.args", set(known))
    for name in sorted(REQUIRED_CODE_ARGS.get(detector, set()) - set(raw)):
        report.add(f"{here}.args.{name}", f"is required by detector {detector!r}")
    out: dict[str, CodeArg] = {}
    for name, value in raw.items():
        if name not in known:
            continue
        where = f"{here}.args.{name}"
        typ, choices = known[name]
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if (typ == "bool" and isinstance(value, bool)) or (typ == "int" and is_int):
            out[name] = value
        elif typ == "regex" and isinstance(value, str) and value:
            _regex(report, value, where)
            out[name] = value
        elif typ == "choice" and _choice_value(value):
            items = (value,) if isinstance(value, str) else tuple(value)
            for item in items if choices else ():
                _choice(report, item, where, choices or ())
            out[name] = value if isinstance(value, str) else tuple(value)
        else:
            wanted = {"bool": "a boolean", "int": "an integer", "regex": "a regex string"}
            report.add(where, f"must be {wanted.get(typ, 'a string or an array of strings')}")
    return out


def _choice_value(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


def _fix(report: _Collector, value: Any, here: str) -> Fix | None:
    table = _table(report, value, here)
    if table is None:
        return None
    _unknown_keys(report, table, here, _names(Fix))
    fix_type = _field(report, table, here, Fix, "type")
    _choice(report, fix_type, f"{here}.type", FIX_TYPES)
    title = _field(report, table, here, Fix, "title")
    body = _field(report, table, here, Fix, "body")
    versions = _field(report, table, here, Fix, "versions")
    _specifier(report, versions, f"{here}.versions")
    if fix_type not in FIX_TYPES or title is None or body is None:
        return None
    when_not = _field(report, table, here, Fix, "when_not")
    verified_by = _field(report, table, here, Fix, "verified_by")
    unverified = _field(report, table, here, Fix, "unverified")
    _reason(report, unverified, f"{here}.unverified")
    if verified_by is not None and unverified is not None:
        report.add(f"{here}.unverified", "a fix with verified_by is verified: drop the reason")
    elif verified_by is None and unverified is None and fix_type in TESTABLE_FIX_TYPES:
        report.add(
            here,
            f"a {fix_type} fix needs verified_by (the repro scenario that applies it) "
            "or unverified (why it cannot be run here)",
        )
    return Fix(cast(FixType, fix_type), title, body, when_not, versions, verified_by, unverified)


def _variant(report: _Collector, value: Any, here: str) -> Variant | None:
    table = _table(report, value, here)
    if table is None:
        return None
    _unknown_keys(report, table, here, _names(Variant))
    versions = _field(report, table, here, Variant, "versions")
    _specifier(report, versions, f"{here}.versions")
    summary = _field(report, table, here, Variant, "summary")
    if versions is None or summary is None:
        return None
    return Variant(versions, summary)


def _upstream(report: _Collector, value: Any) -> Upstream:
    table = _table(report, value, "upstream")
    if table is None:
        return Upstream()
    _unknown_keys(report, table, "upstream", _names(Upstream))
    release = _field(report, table, "upstream", Upstream, "release")
    _version(report, release, "upstream.release")
    issues = _list_of(report, table, "upstream", "issues", _int_item)
    if not issues:
        report.add("upstream.issues", "must list at least one issue, the canonical one first")
    return Upstream(
        repo=_field(report, table, "upstream", Upstream, "repo"),
        issues=issues,
        prs=_list_of(report, table, "upstream", "prs", _int_item),
        commits=_list_of(report, table, "upstream", "commits", _str_item),
        release=release,
        links=_list_of(report, table, "upstream", "links", _str_item),
    )


def _repro(report: _Collector, value: Any, entry_id: str) -> Repro | None:
    table = _table(report, value, "repro")
    if table is None:
        return None
    _unknown_keys(report, table, "repro", _names(Repro))
    platforms = _list_of(report, table, "repro", "platforms", _str_item) or PLATFORMS
    for index, name in enumerate(platforms):
        _choice(report, name, f"repro.platforms[{index}]", PLATFORMS)
    folder = _take(report, table, "repro", "folder", str, default=entry_id)
    return Repro(folder, platforms, _field(report, table, "repro", Repro, "note"))


# Advisory ids: PyPA (PYSEC-), GitHub (GHSA-), CVE, OSV's own (OSV-); aliases may
# also name the other databases OSV records list (Snyk, PyUp/Safety).
_ADVISORY_IDS = (
    r"PYSEC-\d{4}-\d+|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|CVE-\d{4}-\d{4,}|OSV-\d{4}-\d+"
)
ADVISORY_ID = re.compile(f"^(?:{_ADVISORY_IDS})$")
ADVISORY_ALIAS = re.compile(f"^(?:{_ADVISORY_IDS}|SNYK-[A-Z0-9]+(?:-[A-Z0-9]+)*|PYUP-\\d+)$")
# The advisory's own severity: a CVSS v2/v3/v4 vector (its score may come first),
# or a text level.
ADVISORY_LEVELS = ("unrated", "low", "moderate", "medium", "high", "critical")
_CVSS = re.compile(
    r"^(?:\d{1,2}\.\d )?(?:CVSS:[34]\.\d(?:/[A-Za-z]{1,3}:[A-Za-z]{1,2})+"
    r"|AV:[LAN]/AC:[HML]/Au:[MSN]/C:[NPC]/I:[NPC]/A:[NPC])$"
)


def _advisory(report: _Collector, value: Any, here: str) -> Advisory | None:
    table = _table(report, value, here)
    if table is None:
        return None
    _unknown_keys(report, table, here, _names(Advisory))
    adv_id = _field(report, table, here, Advisory, "id")
    if adv_id is not None and not ADVISORY_ID.match(adv_id):
        report.add(
            f"{here}.id",
            "not an advisory id (PYSEC-YYYY-N, GHSA-xxxx-xxxx-xxxx, CVE-YYYY-N, "
            f"OSV-YYYY-N): {adv_id!r}",
        )
    aliases = _list_of(report, table, here, "aliases", _str_item)
    for index, alias in enumerate(aliases):
        where = f"{here}.aliases[{index}]"
        if not ADVISORY_ALIAS.match(alias):
            known = "PYSEC-, GHSA-, CVE-, OSV-, SNYK-, PYUP-"
            report.add(where, f"not an advisory id ({known}): {alias!r}")
        elif alias == adv_id or alias in aliases[:index]:
            report.add(where, f"{alias!r} is listed twice (as the id or an earlier alias)")
    severity = _field(report, table, here, Advisory, "severity")
    if severity is not None and severity not in ADVISORY_LEVELS and not _CVSS.match(severity):
        report.add(
            f"{here}.severity",
            "must be the advisory's CVSS vector (its score may come first: "
            f"'9.1 CVSS:3.1/AV:N/...') or one of {', '.join(ADVISORY_LEVELS)}; got {severity!r}",
        )
    url = _field(report, table, here, Advisory, "url")
    if url and not url.startswith("https://"):
        report.add(f"{here}.url", f"must be an https:// address, got {url!r}")
    claims = _field(report, table, here, Advisory, "claims")
    _specifier(report, claims, f"{here}.claims")
    note = _field(report, table, here, Advisory, "note")
    if adv_id is None or severity is None:
        return None
    return Advisory(adv_id, aliases, severity, url, claims, note)


def _conditions(report: _Collector, value: Any) -> dict[str, bool | str]:
    table = _table(report, value, "conditions")
    if table is None:
        return {}
    out: dict[str, bool | str] = {}
    for key, cond in table.items():
        here = f"conditions.{key}"
        if key not in CONDITIONS:
            report.add(here, f"unknown condition (known: {', '.join(sorted(CONDITIONS))})")
        elif key in CONDITION_CHOICES:
            _choice(report, cond, here, CONDITION_CHOICES[key])
            out[key] = str(cond)
        elif not isinstance(cond, bool):
            report.add(here, "must be true or false")
        else:
            out[key] = cond
    return out


def parse_entry(data: Mapping[str, Any], file: str, slug: str) -> Entry:
    """Validate one entry's TOML table; raise EntryInvalid listing every problem."""
    report = _Collector(file)
    _unknown_keys(report, data, "", _names(Entry))
    entry_id = _field(report, data, "", Entry, "id")
    if entry_id is not None and entry_id != slug:
        report.add("id", f"must equal the file name {slug!r}, got {entry_id!r}")
    if entry_id is not None and not SLUG.match(entry_id):
        report.add("id", "must be a lowercase slug (a-z, 0-9, single hyphens or dots)")
    kind = _field(report, data, "", Entry, "kind")
    _choice(report, kind, "kind", KINDS)
    severity = _field(report, data, "", Entry, "severity")
    _choice(report, severity, "severity", SEVERITIES)
    fixed_in = _field(report, data, "", Entry, "fixed_in")
    _version(report, fixed_in, "fixed_in")
    signatures = _list_of(report, data, "", "signatures", _signature)
    if not signatures:
        report.add("signatures", "must list at least one signature")
    ids = [s.id for s in signatures]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        report.add("signatures", f"duplicate signature id {dup!r}")
    fixes = _list_of(report, data, "", "fixes", _fix)
    if not fixes:
        report.add("fixes", "must list at least one fix option")
    affected = _list_of(report, data, "", "affected", _affected)
    if kind in VERSIONED_KINDS and not affected:
        report.add("affected", f"a {kind} entry must state its affected range")
    unverifiable = _field(report, data, "", Entry, "unverifiable")
    _reason(report, unverifiable, "unverifiable")
    advisories = _list_of(report, data, "", "advisories", _advisory)
    adv_ids = [a.id for a in advisories]
    for dup in sorted({i for i in adv_ids if adv_ids.count(i) > 1}):
        report.add("advisories", f"duplicate advisory id {dup!r}")
    entry = Entry(
        id=entry_id or slug,
        title=_field(report, data, "", Entry, "title") or "",
        package=_field(report, data, "", Entry, "package") or "",
        kind=cast(Kind, kind),
        severity=cast(Severity, severity),
        summary=_field(report, data, "", Entry, "summary") or "",
        mechanism=_field(report, data, "", Entry, "mechanism") or "",
        tags=_list_of(report, data, "", "tags", _str_item),
        prevention=_field(report, data, "", Entry, "prevention"),
        error=_field(report, data, "", Entry, "error"),
        affected=affected,
        fixed_in=fixed_in,
        unverifiable=unverifiable,
        conditions=_conditions(report, data["conditions"]) if "conditions" in data else {},
        signatures=signatures,
        fixes=fixes,
        variants=_list_of(report, data, "", "variants", _variant),
        upstream=(
            _upstream(report, data["upstream"]) if "upstream" in data else _missing_upstream(report)
        ),
        repro=_repro(report, data["repro"], entry_id or slug) if "repro" in data else None,
        related=_list_of(report, data, "", "related", _str_item),
        advisories=advisories,
        needs=_list_of(report, data, "", "needs", _requirement_item),
    )
    if report.problems:
        raise EntryInvalid(report.problems)
    return entry


def _missing_upstream(report: _Collector) -> Upstream:
    report.add("upstream", "is required (at least the canonical issue number)")
    return Upstream()


def signature_from_dict(data: Mapping[str, Any]) -> Signature:
    s = dict(data)
    # JSON has no tuples: an "any of" argument comes back as a list.
    s["args"] = {k: tuple(v) if isinstance(v, list) else v for k, v in s.get("args", {}).items()}
    return Signature(**s)


def entry_from_dict(data: Mapping[str, Any]) -> Entry:
    """Rebuild an Entry from ``Entry.to_dict()`` output (already validated)."""
    d = _tuples(data)
    d["affected"] = tuple(Affected(**a) for a in d.get("affected", ()))
    d["signatures"] = tuple(signature_from_dict(s) for s in d.get("signatures", ()))
    d["fixes"] = tuple(Fix(**f) for f in d.get("fixes", ()))
    d["variants"] = tuple(Variant(**v) for v in d.get("variants", ()))
    d["upstream"] = Upstream(**_tuples(d.get("upstream") or {}))
    d["advisories"] = tuple(Advisory(**_tuples(a)) for a in d.get("advisories", ()))
    if d.get("repro"):
        d["repro"] = Repro(**_tuples(d["repro"]))
    return Entry(**d)


def _tuples(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with JSON's arrays back as the tuples the frozen dataclasses hold."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}

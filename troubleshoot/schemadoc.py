"""The field tables of docs/kb-schema.md, made from the schema's own declarations.

Each field of the entry model is declared once, with its meaning, whether it is
required and its database column (:func:`troubleshoot.schema.spec`); this module
renders those declarations as the Markdown tables between
``<!-- fields: Class -->`` and ``<!-- /fields -->`` in the page.
``python -m troubleshoot.schemadoc docs/kb-schema.md`` rewrites them in place;
tests/test_schema_doc.py fails when the page and the declarations differ.
"""

from __future__ import annotations

import re
import sys
from dataclasses import Field, fields
from pathlib import Path
from typing import Any

from troubleshoot.schema import TABLES, Entry, bare_type

CLASSES: dict[str, type] = {cls.__name__: cls for cls in (Entry, *TABLES)}
BLOCK = re.compile(r"<!-- fields: (\w+) -->\n.*?<!-- /fields -->", re.DOTALL)
_SCALARS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}


def type_name(f: Field[Any]) -> str:
    """The TOML type of a field as the page names it."""
    if f.metadata.get("toml"):
        return str(f.metadata["toml"])
    annotation = bare_type(f)
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if annotation.startswith("tuple["):
        item = annotation.removeprefix("tuple[").split(",")[0]
        return f"array of {_SCALARS[item]}s" if item in _SCALARS else "array of tables"
    return "table" if annotation in CLASSES or annotation.startswith("Mapping[") else "string"


def required(f: Field[Any]) -> str:
    value = f.metadata.get("required", False)
    return value if isinstance(value, str) else ("yes" if value else "no")


def table(cls: type) -> str:
    """The Markdown table of ``cls``'s fields, in declaration order."""
    rows = ["| field | type | required | meaning |", "|---|---|---|---|"]
    for f in fields(cls):
        meaning = f.metadata["doc"].replace("|", "\\|")
        rows.append(f"| `{f.name}` | {type_name(f)} | {required(f)} | {meaning} |")
    return "\n".join(rows)


def render(text: str) -> str:
    """``text`` with every field block rewritten from the declarations."""

    def block(match: re.Match[str]) -> str:
        name = match[1]
        if name not in CLASSES:
            raise KeyError(f"no schema class {name!r} (known: {', '.join(CLASSES)})")
        return f"<!-- fields: {name} -->\n{table(CLASSES[name])}\n<!-- /fields -->"

    return BLOCK.sub(block, text)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m troubleshoot.schemadoc docs/kb-schema.md\n")
        return 2
    path = Path(args[0])
    try:
        text = path.read_text(encoding="utf-8")
        path.write_text(render(text), encoding="utf-8")
    except (OSError, KeyError) as exc:
        sys.stderr.write(f"schemadoc: error: {path}: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

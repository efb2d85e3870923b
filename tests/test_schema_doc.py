"""The schema's one field list drives the docs and the database.

docs/kb-schema.md's field tables are made from the declarations in
troubleshoot/schema.py; the compiled database's tables of affected ranges,
signatures and advisories have the columns those declarations name, as
docs/kb-database.md lists them.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import fields
from pathlib import Path

from tests.conftest import REPO
from troubleshoot.config import Settings
from troubleshoot.kbstore import Store
from troubleshoot.schema import db_columns
from troubleshoot.schemadoc import BLOCK, CLASSES, main, render

DOC = REPO / "docs" / "kb-schema.md"


def test_the_page_is_what_the_declarations_say() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render(text) == text, "run: python -m troubleshoot.schemadoc docs/kb-schema.md"


def test_every_schema_class_has_its_table_and_every_field_a_meaning() -> None:
    shown = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert sorted(shown) == sorted(CLASSES)
    for cls in CLASSES.values():
        for f in fields(cls):
            assert len(f.metadata.get("doc", "").split()) >= 2, (cls.__name__, f.name)


def test_a_changed_declaration_shows_on_the_page(tmp_path: Path) -> None:
    page = tmp_path / "kb-schema.md"
    page.write_text("<!-- fields: Variant -->\nstale\n<!-- /fields -->\n", encoding="utf-8")
    assert main([str(page)]) == 0
    assert "| `versions` | PEP 440 | yes | the releases it describes |" in page.read_text()
    page.write_text("<!-- fields: Nope -->\n<!-- /fields -->\n", encoding="utf-8")
    assert main([str(page)]) == 2  # an unknown class is an error, not a silent skip


def test_database_columns_come_from_the_declarations(tmp_path: Path) -> None:
    settings = Settings.resolve(REPO / "kb", tmp_path / "kb.db")
    Store.open(settings)  # compiles the project's KB
    db = sqlite3.connect(settings.db_path)
    doc = (REPO / "docs" / "kb-database.md").read_text(encoding="utf-8")
    for table, cls, given in (
        ("affected", "Affected", ["entry_id", "position"]),
        ("signatures", "Signature", ["entry_id"]),
        ("advisories", "Advisory", ["entry_id", "position"]),
    ):
        declared = list(db_columns(CLASSES[cls]))
        extra = ["data"] if table == "signatures" else []
        columns = [row[1] for row in db.execute(f"pragma table_info({table})")]
        assert columns == [*given, *declared, *extra], table
        row = re.search(rf"^\| `{table}` \|[^|]*\|(.*)\|$", doc, re.MULTILINE)
        assert row is not None, f"docs/kb-database.md lists no {table} table"
        assert re.findall(r"`(\w+)`", row[1]) == columns, table

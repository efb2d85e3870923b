"""The ast reader: imports and aliases, argument resolution, import-time and loop contexts."""

from __future__ import annotations

import json
import textwrap

import pytest

from troubleshoot.scan.files import read_file
from troubleshoot.scan.model import FileFacts, Launch
from troubleshoot.scan.python import parse, read_tree


def launches(source: str) -> list[Launch]:
    code = textwrap.dedent(source)
    return list(read_tree(parse(code, "t.py"), "t.py").launches)


@pytest.mark.parametrize(
    "imports, call",
    [
        ("import uvicorn", "uvicorn.run"),
        ("import uvicorn as u", "u.run"),
        ("from uvicorn import run as serve", "serve"),
        ("from uvicorn.main import run", "run"),
        ("import uvicorn.main", "uvicorn.main.run"),
        ("from uvicorn import main as m", "m.run"),
        ("import reference_server", "reference_server.run"),
    ],
)
def test_every_spelling_of_run_is_found(imports: str, call: str) -> None:
    (launch,) = launches(f"{imports}\nif __name__ == '__main__':\n    {call}(app, reload=True)\n")
    assert launch.call == "run"
    assert launch.options == {"reload": True}
    assert (launch.span.line, launch.span.column) == (3, 5)


def test_unrelated_run_calls_are_not_launches() -> None:
    assert launches("import subprocess\nsubprocess.run(['ls'])\nrun('x', reload=True)\n") == []


@pytest.mark.parametrize(
    "setup, app_arg, kind",
    [
        ("", '"main:app"', "import-string"),
        ('APP = "main:app"', "APP", "import-string"),
        ("import os", 'os.environ.get("APP", "main:app")', "import-string"),
        ("", 'f"{mod}:app"', "import-string"),
        ("from main import app", "app", "object"),
        ("app = FastAPI()", "app", "object"),
        ("", "create_app()", "object"),
        ("import main", "main.app", "object"),
        ("", "app", "unknown"),  # a parameter or global from elsewhere: not guessed
        ('app = "main:app"\napp = FastAPI()', "app", "unknown"),
    ],
)
def test_app_argument_is_classified(setup: str, app_arg: str, kind: str) -> None:
    (launch,) = launches(f"import uvicorn\n{setup}\nuvicorn.run({app_arg})\n")
    assert launch.app == kind


def test_literal_option_values_resolve_through_constants() -> None:
    (launch,) = launches(
        """
        import uvicorn
        WORKERS = 4
        RELOAD = True
        uvicorn.run("m:app", workers=WORKERS, reload=RELOAD, ssl_keyfile=None, log_level=level)
        """
    )
    assert launch.options == {"workers": 4, "reload": True, "log_level": None}


def test_guard_and_import_time_calls() -> None:
    found = launches(
        """
        import uvicorn

        def serve():
            uvicorn.run("m:app", reload=True)

        def helper():
            serve()

        def never_called():
            uvicorn.run("m:app", reload=True)

        helper()
        uvicorn.run("m:app", reload=True)
        if __name__ == "__main__":
            uvicorn.run("m:app", reload=True)
        if __name__ != "__main__":
            pass
        else:
            uvicorn.run("m:app", reload=True)
        """
    )
    by_line = {launch.span.line: launch for launch in found}
    assert by_line[5].guard_missing and "helper()" in by_line[5].guard_note
    assert not by_line[11].guard_missing
    assert by_line[14].guard_missing and by_line[14].guard_note == ""
    assert not by_line[16].guard_missing
    assert not by_line[20].guard_missing


def test_async_bodies_and_server_run() -> None:
    found = launches(
        """
        import uvicorn

        async def a():
            uvicorn.run("m:app")

        async def b(config):
            server = uvicorn.Server(config)
            server.run()
            await server.serve()
            uvicorn.Server(config).run()

        async def c():
            loop.run_in_executor(None, lambda: uvicorn.run("m:app"))
        """
    )
    contexts = {(x.span.line, x.call): x.contexts for x in found}
    assert contexts[(5, "run")] == {"async"}
    assert contexts[(9, "server-run")] == {"async"}
    assert contexts[(11, "server-run")] == {"async"}
    assert contexts[(14, "run")] == frozenset()  # the lambda runs in an executor thread


def test_module_level_loop_runs_are_recorded() -> None:
    code = (
        "import asyncio\nasyncio.run(main())\nif __name__ == '__main__':\n    asyncio.run(main())\n"
    )
    facts = read_tree(parse(code, "t.py"), "t.py")
    assert [loop.span.line for loop in facts.loops_at_import] == [2]


def _notebook(tmp_path, cells: list[list[str]]) -> FileFacts:  # type: ignore[no-untyped-def]
    document = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    facts = read_file(path, "notebook")
    assert isinstance(facts, FileFacts)
    return facts


def test_notebook_cells_share_imports_and_map_to_json_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    facts = _notebook(
        tmp_path,
        [["import uvicorn as u\n", "%load_ext autoreload"], ["!pip list\n", "u.run('m:app')"]],
    )
    (launch,) = facts.launches
    assert launch.contexts == {"notebook"}
    raw = (tmp_path / "n.ipynb").read_text().splitlines()
    assert "u.run('m:app')" in raw[launch.span.line - 1]


def test_notebook_top_level_await_parses(tmp_path) -> None:  # type: ignore[no-untyped-def]
    facts = _notebook(tmp_path, [["import uvicorn\n", "await uvicorn.Server(cfg).serve()"]])
    assert facts.launches == ()


def test_files_that_do_not_parse_are_skipped_with_the_reason(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"import uvicorn\nx = (\n")
    skipped = read_file(bad, "python")
    assert not isinstance(skipped, FileFacts) and skipped is not None
    assert "does not parse" in skipped.reason
    nul = tmp_path / "nul.py"
    nul.write_bytes(b"import uvicorn\nx = 1\0\n")
    assert "does not parse" in getattr(read_file(nul, "python"), "reason", "")
    # a file that cannot concern uvicorn is not parsed at all (issue 16: memory)
    unrelated = tmp_path / "unrelated.py"
    unrelated.write_bytes(b"x = (\0\n")
    assert read_file(unrelated, "python") is None
    latin = tmp_path / "Procfile"
    latin.write_bytes(b"web: uvicorn m:app \xff\n")
    assert "not UTF-8" in getattr(read_file(latin, "procfile"), "reason", "")

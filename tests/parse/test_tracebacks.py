"""CPython traceback shapes: frames, markers, chains, groups, multi-line messages."""

from __future__ import annotations

from helpers import parse_sample, types

from troubleshoot.parse import parse_paste


def test_py37_reload_ssl_frames_modules_and_versions() -> None:
    parsed = parse_sample("reload_ssl_py37.txt")
    assert types(parsed) == ["TypeError"]
    exc = parsed.exceptions[0]
    assert exc.message == "can't pickle SSLContext objects"
    assert exc.line_no == 26
    assert len(exc.frames) == 11
    modules = [f.module for f in exc.frames]
    assert modules[0] is None  # the console script in .venv/bin has no module
    assert "uvicorn.supervisors.statreload" in modules
    assert "multiprocessing.process" in modules
    start = exc.frames[5]
    assert (start.function, start.line, start.source) == (
        "start",
        112,
        "self._popen = self._Popen(self)",
    )
    assert parsed.versions == {"uvicorn": "0.7.0"}
    assert parsed.python_version == "3.7"
    assert parsed.platform == "linux"
    assert [e.level for e in parsed.log_events] == ["INFO", "INFO"]


def test_py311_markers_frozen_frames_syntax_error_recursion_and_ctrl_c() -> None:
    parsed = parse_sample("syntax_and_recursion.txt")
    assert types(parsed) == ["SyntaxError", "RecursionError", "KeyboardInterrupt"]
    syntax, recursion, interrupt = parsed.exceptions
    assert syntax.message == "invalid syntax"
    frozen = [f for f in syntax.frames if f.file.startswith("<frozen")]
    assert [f.module for f in frozen] == [
        "runpy",
        "importlib._bootstrap",
        "importlib._bootstrap_external",
    ]
    assert all(f.source is None for f in frozen)
    # the SyntaxError location: no function, the offending line as source
    assert (syntax.frames[-1].function, syntax.frames[-1].source) == ("", "def index(:")
    # markers are never taken for source lines
    assert all(f.source is None or "^" not in f.source for f in syntax.frames)
    assert recursion.message == "maximum recursion depth exceeded"
    assert [f.function for f in recursion.frames] == ["<module>", "walk", "walk"]
    # "^C" echoed before the header does not hide the next traceback
    assert interrupt.message == ""
    assert interrupt.frames[0].source == "time.sleep(100)"
    assert parsed.notes == ()


def test_multiprocessing_bootstrap_message_spans_lines() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "<string>", line 1, in <module>\n'
        '  File "/usr/lib/python3.9/multiprocessing/spawn.py", line 116, in spawn_main\n'
        "    exitcode = _main(fd, parent_sentinel)\n"
        '  File "/usr/lib/python3.9/multiprocessing/spawn.py", line 134, in _check_not_imp\n'
        "    raise RuntimeError('''\n"
        "RuntimeError: \n"
        "        An attempt has been made to start a new process before the\n"
        "        current process has finished its bootstrapping phase.\n"
        "\n"
        "        This probably means that you are not using fork to start your\n"
        "        child processes and you have forgotten to use the proper idiom\n"
        "        in the main module:\n"
        "\n"
        "            if __name__ == '__main__':\n"
        "                freeze_support()\n"
        "                ...\n"
        "\n"
        '        The "freeze_support()" line can be omitted if the program\n'
        "        is not going to be frozen to produce an executable.\n"
        "INFO:     Stopping reloader process [9001]\n"
    )
    parsed = parse_paste(text)
    assert types(parsed) == ["RuntimeError"]
    message = parsed.exceptions[0].message
    assert message.startswith("An attempt has been made to start a new process before the\n")
    assert "current process has finished its bootstrapping phase." in message
    assert "    if __name__ == '__main__':" in message
    assert message.endswith("is not going to be frozen to produce an executable.")
    assert parsed.exceptions[0].line_no == 7
    assert [e.message for e in parsed.log_events] == ["Stopping reloader process [9001]"]


def test_lone_multiline_message_without_indentation() -> None:
    """Pages often show the error alone, indentation lost."""
    text = (
        "RuntimeError:\n"
        "An attempt has been made to start a new process before the\n"
        "current process has finished its bootstrapping phase.\n"
    )
    (exc,) = parse_paste(text).exceptions
    assert exc.type == "RuntimeError"
    assert exc.frames == ()
    assert "before the\ncurrent process has finished" in exc.message


def test_chained_exceptions_cause_and_context() -> None:
    text = """Traceback (most recent call last):
  File "/app/db.py", line 3, in connect
    sock.connect(addr)
ConnectionRefusedError: [Errno 111] Connection refused

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/app/main.py", line 9, in startup
    await db.connect()
app.errors.DatabaseUnavailable: cannot reach db:5432

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/.venv/lib/python3.12/site-packages/starlette/routing.py", line 693, in lifespan
    await receive()
asyncio.exceptions.CancelledError
"""
    parsed = parse_paste(text)
    assert types(parsed) == [
        "ConnectionRefusedError",
        "app.errors.DatabaseUnavailable",
        "asyncio.exceptions.CancelledError",
    ]
    assert [e.chained_from for e in parsed.exceptions] == ["cause", "context", None]
    assert parsed.exceptions[1].short_type == "DatabaseUnavailable"
    assert parsed.exceptions[2].frames[0].module == "starlette.routing"


def test_starlette_exception_group_with_context_chain() -> None:
    parsed = parse_sample("starlette_group_py312.txt")
    assert types(parsed) == ["ExceptionGroup", "ZeroDivisionError", "ZeroDivisionError"]
    group, leaf, outer = parsed.exceptions
    assert (group.group_depth, leaf.group_depth, outer.group_depth) == (0, 1, 0)
    assert group.message == "unhandled errors in a TaskGroup (1 sub-exception)"
    assert group.chained_from == "context"
    assert [f.module for f in group.frames] == [
        "starlette._utils",
        "starlette.middleware.base",
        "anyio._backends._asyncio",
    ]
    assert leaf.message == "division by zero"
    assert leaf.frames[0].module == "uvicorn.protocols.http.httptools_impl"
    assert leaf.frames[1].source == "total = cart.total / cart.count"
    assert leaf.line_no == 20
    assert [e.level for e in parsed.log_events] == ["INFO", "ERROR", "INFO"]


def test_nested_exception_groups_depths() -> None:
    parsed = parse_sample("nested_groups_py311.txt")
    got = [(e.type, e.group_depth, e.line_no) for e in parsed.exceptions]
    assert got == [
        ("ExceptionGroup", 0, 9),
        ("ExceptionGroup", 1, 14),
        ("ConnectionRefusedError", 2, 19),
        ("KeyError", 1, 25),
    ]
    assert all(e.chained_from is None for e in parsed.exceptions)
    assert parsed.exceptions[2].message == "[Errno 111] Connection refused"


def test_exceptiongroup_backport_on_py310() -> None:
    parsed = parse_sample("backport_group_py310.txt")
    assert types(parsed) == ["exceptiongroup.ExceptionGroup", "anyio.EndOfStream"]
    assert parsed.exceptions[0].short_type == "ExceptionGroup"
    assert parsed.exceptions[1].group_depth == 1
    assert parsed.exceptions[1].message == ""
    assert parsed.python_version == "3.10"


def test_builtin_base_exception_group_with_leaf_without_traceback() -> None:
    text = """  + Exception Group Traceback (most recent call last):
  |   File "<stdin>", line 1, in <module>
  | BaseExceptionGroup: shutdown (2 sub-exceptions)
  +-+---------------- 1 ----------------
    | KeyboardInterrupt
    +---------------- 2 ----------------
    | ValueError: bad port
    +------------------------------------
"""
    parsed = parse_paste(text)
    assert [(e.type, e.message, e.group_depth) for e in parsed.exceptions] == [
        ("BaseExceptionGroup", "shutdown (2 sub-exceptions)", 0),
        ("KeyboardInterrupt", "", 1),
        ("ValueError", "bad port", 1),
    ]


def test_exception_group_inside_a_chain_in_a_group() -> None:
    text = """  + Exception Group Traceback (most recent call last):
  | ExceptionGroup: eg (1 sub-exception)
  +-+---------------- 1 ----------------
    | Traceback (most recent call last):
    |   File "/w/a.py", line 2, in f
    |     g()
    | KeyError: 'k'
    |
    | During handling of the above exception, another exception occurred:
    |
    | Traceback (most recent call last):
    |   File "/w/a.py", line 5, in f
    |     raise ValueError("v")
    | ValueError: v
    +------------------------------------
"""
    parsed = parse_paste(text)
    assert [(e.type, e.group_depth, e.chained_from) for e in parsed.exceptions] == [
        ("ExceptionGroup", 0, None),
        ("KeyError", 1, "context"),
        ("ValueError", 1, None),
    ]


def test_qualified_and_messageless_types() -> None:
    parsed = parse_sample("log_formats.txt")
    (exc,) = parsed.exceptions
    assert exc.type == "h11._util.LocalProtocolError"
    assert exc.short_type == "LocalProtocolError"
    assert exc.message == "Too much data for declared Content-Length"


def test_traceback_without_exception_line_is_kept_incomplete() -> None:
    """Pages cut before the last line still show which frames were involved."""
    text = """Traceback (most recent call last):
  File "/venv/lib/python3.8/site-packages/uvicorn/supervisors/statreload.py", line 34, in run
    process.start()
  File "/usr/lib/python3.8/multiprocessing/context.py", line 284
... (truncated) ...
"""
    parsed = parse_paste(text)
    (exc,) = parsed.exceptions
    assert not exc.complete
    assert (exc.type, exc.message, exc.line_no) == ("", "", 1)
    assert [f.module for f in exc.frames] == [
        "uvicorn.supervisors.statreload",
        "multiprocessing.context",
    ]
    assert parsed.truncated
    assert any("before its exception line" in n for n in parsed.notes)


def test_cut_marks_keep_parsing_after_the_cut() -> None:
    parsed = parse_sample("truncated.txt")
    assert parsed.truncated
    (exc,) = parsed.exceptions
    assert exc.type == "uvicorn.protocols.utils.ClientDisconnected"
    assert [f.line for f in exc.frames] == [362, 48, 20]
    assert parsed.log_events == ()
    assert parsed.platform == "darwin"


def test_stripped_indentation_paste() -> None:
    """Some pages drop all leading whitespace: the line under a frame is its source."""
    text = """Process SpawnProcess-2:
Traceback (most recent call last):
File "/home/x/.asdf/python/3.8.5/lib/python3.8/multiprocessing/process.py", line 315, in _bootstrap
self.run()
File "./uvicorn/subprocess.py", line 62, in subprocess_started
target(sockets=sockets)
OSError: [Errno 98] Address already in use
"""
    parsed = parse_paste(text)
    (exc,) = parsed.exceptions
    assert exc.type == "OSError"
    assert exc.process == "SpawnProcess-2"
    assert [f.source for f in exc.frames] == ["self.run()", "target(sockets=sockets)"]
    # relative paths name the module relative to the working directory
    assert exc.frames[1].module == "uvicorn.subprocess"


def test_loguru_backtrace_format() -> None:
    text = """2024-03-01 09:00:00.123 | ERROR    | app.main:handler:12 - request failed
Traceback (most recent call last):

  File "/app/main.py", line 30, in <module>
    uvicorn.run("main:app")
    │       └ <function run at 0x7f>
    └ <module 'uvicorn'>

> File "/app/main.py", line 12, in handler
    1 / 0

ZeroDivisionError: division by zero
"""
    parsed = parse_paste(text)
    (exc,) = parsed.exceptions
    assert exc.type == "ZeroDivisionError"
    assert [f.source for f in exc.frames] == ['uvicorn.run("main:app")', "1 / 0"]
    assert parsed.log_events[0].level == "ERROR"
    assert parsed.log_events[0].message == "request failed"


def test_frame_lines_wrapped_by_a_mail_client_are_rejoined() -> None:
    from troubleshoot.parse import parse_paste

    parsed = parse_paste(
        "Traceback (most recent call last):\n"
        '  File "/venv/lib/python3.11/site-packages/starlette/routing.py", line\n'
        "677, in lifespan\n"
        "    async with self.lifespan_context(app) as maybe_state:\n"
        '  File "/venv/lib/python3.11/site-packages/sqlalchemy/engine/base.py",\n'
        "line 96, in __init__\n"
        "    else engine.raw_connection()\n"
        "ValueError: x\n"
    )
    (exc,) = parsed.exceptions
    assert [(f.module, f.function, f.line) for f in exc.frames] == [
        ("starlette.routing", "lifespan", 677),
        ("sqlalchemy.engine.base", "__init__", 96),
    ]
    assert exc.type == "ValueError"

"""Log prefixes, collectors' stream prefixes, interleaved processes, terminal artefacts."""

from __future__ import annotations

from helpers import parse_sample, sample, types

from troubleshoot.parse import parse_paste


def test_log_formats_levels_and_messages() -> None:
    parsed = parse_sample("log_formats.txt")
    events = [(e.line_no, e.level, e.message) for e in parsed.log_events]
    assert events == [
        (1, "INFO", "Started server process [4242]"),
        (2, "ERROR", "Exception in ASGI application"),
        (9, "INFO", "Starting gunicorn 21.2.0"),
        (10, "ERROR", "Exception in worker process"),
        (11, "DEBUG", "setup logger"),
        (12, "WARNING", "sentry DSN missing"),
        (13, "ERROR", "Application startup failed. Exiting."),
    ]
    assert parsed.versions == {"gunicorn": "21.2.0"}


def test_uvicorn_padded_prefixes() -> None:
    text = (
        "INFO:     Waiting for application startup.\n"
        "WARNING:  Invalid HTTP request received.\n"
        "ERROR:    Traceback (most recent call last):\n"
        '  File "/srv/app.py", line 4, in app\n'
        "    raise ValueError(scope)\n"
        "ValueError: {'type': 'lifespan'}\n"
        "ERROR:    Application startup failed. Exiting.\n"
    )
    parsed = parse_paste(text)
    assert [(e.level, e.message) for e in parsed.log_events] == [
        ("INFO", "Waiting for application startup."),
        ("WARNING", "Invalid HTTP request received."),
        ("ERROR", "Application startup failed. Exiting."),
    ]
    (exc,) = parsed.exceptions
    assert (exc.type, exc.line_no, len(exc.frames)) == ("ValueError", 6, 1)


def test_gunicorn_pid_becomes_the_process() -> None:
    text = (
        "[2024-01-02 10:11:12 +0000] [123] [ERROR] Exception in worker process\n"
        "Traceback (most recent call last):\n"
        '  File "/usr/local/lib/python3.11/site-packages/gunicorn/arbiter.py", line 609, '
        "in spawn_worker\n"
        "    worker.init_process()\n"
        "ModuleNotFoundError: No module named 'uvicorn.workers'\n"
    )
    parsed = parse_paste(text)
    (exc,) = parsed.exceptions
    assert exc.process == "123"
    assert exc.frames[0].module == "gunicorn.arbiter"
    assert parsed.log_events[0].level == "ERROR"


def test_docker_compose_interleaved_services() -> None:
    parsed = parse_sample("compose_interleaved.txt")
    got = [(e.type, e.process, e.line_no, len(e.frames)) for e in parsed.exceptions]
    assert got == [
        ("ModuleNotFoundError", "worker_1", 10, 1),
        ("RuntimeError", "api_1", 14, 2),
    ]
    api = parsed.exceptions[1]
    assert api.frames[0].module == "uvicorn.protocols.http.h11_impl"
    assert api.frames[1].source == 'raise RuntimeError("database is down")'
    assert [e.message for e in parsed.log_events if e.level == "INFO"] == [
        "Started server process [1]",
        "Waiting for application startup.",
        "Application startup complete.",
    ]
    assert "\napi_1" not in parsed.text and "Application startup complete." in parsed.text


def test_journald_prefix() -> None:
    parsed = parse_sample("journald.txt")
    (exc,) = parsed.exceptions
    assert exc.type == "OSError"
    assert exc.process == "uvicorn[5120]"
    assert exc.frames[0].module == "uvicorn.server"  # dist-packages
    assert parsed.platform == "linux"
    assert parsed.log_events[1].message == "Started server process [5120]"


def test_unprefixed_tracebacks_interleaved_with_log_lines() -> None:
    """Two processes share a terminal: a reloader's log lines cut into a traceback."""
    text = """Process SpawnProcess-3:
Traceback (most recent call last):
INFO:     Started server process [41]
  File "/usr/lib/python3.11/multiprocessing/process.py", line 314, in _bootstrap
INFO:     Waiting for application startup.
    self.run()
  File "/w/app.py", line 2, in <module>
WARNING:  StatReload detected changes in 'app.py'. Reloading...
    import missing_mod
ModuleNotFoundError: No module named 'missing_mod'
INFO:     Stopping reloader process [40]
"""
    parsed = parse_paste(text)
    (exc,) = parsed.exceptions
    assert exc.process == "SpawnProcess-3"
    assert [f.source for f in exc.frames] == ["self.run()", "import missing_mod"]
    assert exc.message == "No module named 'missing_mod'"
    assert len(parsed.log_events) == 4


def test_two_raw_tracebacks_interleaved_never_crash() -> None:
    text = """Traceback (most recent call last):
Traceback (most recent call last):
  File "/a.py", line 1, in <module>
  File "/b.py", line 1, in <module>
    f()
    g()
NameError: name 'f' is not defined
TypeError: g() missing 1 required positional argument
"""
    parsed = parse_paste(text)
    assert "NameError" in types(parsed)
    assert "TypeError" in types(parsed)
    assert all(1 <= e.line_no <= parsed.line_count for e in parsed.exceptions)


def test_windows_paths_and_crlf() -> None:
    parsed = parse_paste(sample("windows_spawn_reload.txt").replace("\n", "\r\n"))
    (exc,) = parsed.exceptions
    assert exc.type == "PermissionError"
    assert exc.message.endswith("'C:\\\\Users\\\\maria\\\\code\\\\api\\\\main.py'")
    assert exc.process == "SpawnProcess-2"
    assert exc.frames[0].file.startswith("C:\\Users\\maria\\AppData")
    assert [f.module for f in exc.frames] == [
        "multiprocessing.process",
        "multiprocessing.process",
        "uvicorn.subprocess",
        "uvicorn.main",
        "asyncio.base_events",
        "uvicorn.main",
        "uvicorn.config",
    ]
    assert parsed.platform == "win32"
    assert parsed.python_version == "3.9"
    assert "\r" not in parsed.text


def test_ansi_csi_osc_and_bare_sgr() -> None:
    esc = "\x1b"
    text = (
        f"{esc}[32mINFO{esc}[0m:     Started server process [{esc}[36m12{esc}[0m]\n"
        f"{esc}]8;;file:///app/main.py{esc}\\main.py{esc}]8;;{esc}\\ changed\n"
        "[31mERROR[0m:    Exception in ASGI application\n"
        f"{esc}[1;35mTraceback (most recent call last):{esc}[0m\n"
        f'  File {esc}[35m"/app/main.py"{esc}[0m, line {esc}[35m5{esc}[0m, in '
        f"{esc}[35mhome{esc}[0m\n"
        f"    {esc}[31m1 / 0{esc}[0m\n"
        f"{esc}[1;35mZeroDivisionError{esc}[0m: {esc}[35mdivision by zero{esc}[0m\n"
    )
    parsed = parse_paste(text)
    assert [(e.level, e.message) for e in parsed.log_events] == [
        ("INFO", "Started server process [12]"),
        (None, "main.py changed"),
        ("ERROR", "Exception in ASGI application"),
    ]
    (exc,) = parsed.exceptions
    assert (exc.type, exc.message) == ("ZeroDivisionError", "division by zero")
    assert exc.frames[0].source == "1 / 0"
    assert "\x1b" not in parsed.text


def test_carriage_return_overwrites_and_progress_bars() -> None:
    text = "Downloading 10%\rDownloading 100%\nKeyError: 'x'\n"
    parsed = parse_paste(text)
    assert parsed.log_events[0].message == "Downloading 100%"
    assert types(parsed) == ["KeyError"]


def test_rich_boxed_traceback() -> None:
    parsed = parse_sample("rich_box.txt")
    (exc,) = parsed.exceptions
    assert (exc.type, exc.message, exc.line_no) == ("SystemExit", "1", 24)
    assert [(f.file, f.line, f.function) for f in exc.frames] == [
        ("/home/kim/svc/run.py", 9, "<module>"),
        ("/home/kim/svc/.venv/lib/python3.12/site-packages/uvicorn/main.py", 580, "run"),
    ]
    assert exc.frames[1].module == "uvicorn.main"
    assert [f.source for f in exc.frames] == [
        "uvicorn.run(app, workers=4, reload=True)",
        "sys.exit(1)",
    ]
    # locals panels are not frames or log lines
    assert parsed.log_events == ()
    assert not any(line.startswith(("│", "╭", "╰")) for line in parsed.text.splitlines())
    assert "app = <fastapi.applications.FastAPI object at 0x7f0c1>" in parsed.text
    assert parsed.text.count("\n") + 1 == parsed.line_count


def test_rich_chained_boxes() -> None:
    box = (
        "╭───── Traceback (most recent call last) ─────╮\n"
        "│ {path}:{line} in {func}                     │\n"
        "╰─────────────────────────────────────────────╯\n"
    )
    text = (
        box.format(path="/w/db.py", line=3, func="connect")
        + "OSError: refused\n\nThe above exception was the direct cause of the following"
        " exception:\n\n"
        + box.format(path="/w/main.py", line=8, func="startup")
        + "RuntimeError: no database\n"
    )
    parsed = parse_paste(text)
    assert [(e.type, e.chained_from, e.frames[0].function) for e in parsed.exceptions] == [
        ("OSError", "cause", "connect"),
        ("RuntimeError", None, "startup"),
    ]


def test_other_rich_panels_are_text() -> None:
    text = (
        "╭─ Error ─────────────────────────────╮\n"
        "│ Got unexpected extra argument (x)   │\n"
        "╰─────────────────────────────────────╯\n"
    )
    parsed = parse_paste(text)
    assert parsed.exceptions == ()
    assert [e.message for e in parsed.log_events] == ["Got unexpected extra argument (x)"]


def test_flattened_traceback_from_a_web_page() -> None:
    parsed = parse_sample("flattened.txt")
    (exc,) = parsed.exceptions
    assert (exc.type, exc.message, exc.line_no) == (
        "TypeError",
        "can't pickle SSLContext objects",
        1,
    )
    assert [f.module for f in exc.frames] == [
        None,
        "uvicorn.supervisors.statreload",
        "multiprocessing.reduction",
    ]
    assert exc.frames[1].source == "process.start()"
    assert parsed.versions == {"uvicorn": "0.7.0"}
    assert [e.level for e in parsed.log_events] == [None, "INFO", "INFO"]


def test_docker_timestamps_are_transparent() -> None:
    text = (
        "2024-01-02T10:11:12.123456789Z Traceback (most recent call last):\n"
        '2024-01-02T10:11:12.123456789Z   File "/app/main.py", line 1, in <module>\n'
        "2024-01-02T10:11:12.123456789Z     import fastapi\n"
        "2024-01-02T10:11:12.123456789Z ModuleNotFoundError: No module named 'fastapi'\n"
    )
    (exc,) = parse_paste(text).exceptions
    assert exc.type == "ModuleNotFoundError"
    assert exc.frames[0].source == "import fastapi"

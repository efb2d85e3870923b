"""Issue 11: matching works from what uvicorn (and the libraries under it) can print,
whatever surrounds it. Each paste below is written for the issue's categories, not
copied from a hidden set; each asserts the whole answer (match, likely or none)."""

from __future__ import annotations

import pytest

from troubleshoot.diagnose import diagnose
from troubleshoot.kbstore import Store

STARTUP_FAILED = "Application startup failed. Exiting."

# (paste, the entry it is, or None for "no match and no likely")
FORMATS = [
    ("08:06:41 WARNING | uvicorn.error: Invalid HTTP request received.", "invalid-http-request"),
    (f"[uvicorn.error] ERROR {STARTUP_FAILED}", "lifespan-startup-failed"),
    (
        '{"levelname": "ERROR", "name": "uvicorn.error", "message": "' + STARTUP_FAILED + '"}',
        "lifespan-startup-failed",
    ),
    (
        '{"severity":"ERROR","textPayload":"' + STARTUP_FAILED + '","logName":"run"}',
        "lifespan-startup-failed",
    ),
    (f"event='{STARTUP_FAILED}' level=error logger=uvicorn.error", "lifespan-startup-failed"),
    (
        f"2024-01-02T03:04:05Z [error    ] {STARTUP_FAILED} [uvicorn.error]",
        "lifespan-startup-failed",
    ),
    ("api-1  | WARNING:  Invalid HTTP request received.", "invalid-http-request"),
    ("May 01 10:00:00 host uvicorn[812]: ERROR:    " + STARTUP_FAILED, "lifespan-startup-failed"),
]
DECORATIONS = [
    ("**WARNING:  Unsupported upgrade request.**", "websocket-unsupported-upgrade"),
    ("> WARNING:  Unsupported upgrade request.", "websocket-unsupported-upgrade"),
    ("  12 | ERROR:    " + STARTUP_FAILED, "lifespan-startup-failed"),
    ("`WARNING:  Invalid HTTP request received.`", "invalid-http-request"),
    (
        "\r\n".join(["INFO:     Started server process [1]", "ERROR:    " + STARTUP_FAILED]),
        "lifespan-startup-failed",
    ),
    ("\x1b[31mERROR\x1b[0m:    " + STARTUP_FAILED, "lifespan-startup-failed"),
    ("\u2190[31mERROR\u2190[0m:    " + STARTUP_FAILED, "lifespan-startup-failed"),
]
BARE = [
    ("run() got an unexpected keyword argument 'debug'", "debug-option-removed"),
    (
        "The `setup_event_loop` method was replaced by `get_loop_factory`",
        "setup-event-loop-removed",
    ),
]
CUT = [
    (
        "INFO:     Waiting for application startup.\n"
        "ERROR:    Traceback (most recent call last):\n"
        '  File "/venv/lib/python3.11/site-packages/starlette/routing.py", line 677, in lifespan\n'
        "    async with self.lifespan_context(app) as maybe_state:\n",
        "lifespan-startup-failed",
    ),
    (
        "    ForkingPickler(file, protocol).dump(obj)\n"
        "AttributeError: Can't pickle local object 'request_response.<locals>.app'\n",
        "app-instance-with-workers-or-reload",
    ),
]


def _answer(text: str, store: Store) -> tuple[str, list[str]]:
    result = diagnose(text, store, use_environment=False)
    if result.matches:
        return "match", [m.entry.id for m in result.matches]
    if result.likely:
        return "likely", [m.entry.id for m in result.likely]
    return "none", []


@pytest.mark.parametrize(("text", "expected"), FORMATS + DECORATIONS + BARE + CUT)
def test_the_message_is_found_whatever_surrounds_it(
    text: str, expected: str, real_store: Store
) -> None:
    answer, ids = _answer(text, real_store)
    assert (answer, ids[:1]) == ("match", [expected]), (answer, ids)


def test_a_cut_traceback_points_at_its_failure_as_likely(real_store: Store) -> None:
    """Frames alone never make a match, but a cut traceback's frames are a lead."""
    text = (
        '  File "/usr/lib/python3.11/site-packages/uvicorn/supervisors/basereload.py", '
        "line 80, in startup\n    self.process.start()\n"
        '  File "/usr/lib/python3.11/multiprocessing/spawn.py", line 134, in '
        "_check_not_importing_main\n"
    )
    result = diagnose(text, real_store, use_environment=False)
    assert result.matches == ()
    assert [m.entry.id for m in result.likely][:1] == ["programmatic-reload-without-main-guard"]
    # the fact that confirms it is the entry's open condition, which the guided mode asks
    assert "__main__" in (result.likely[0].confirm or "")


def test_an_exception_group_fragment_is_read(real_store: Store) -> None:
    text = (
        "    | uvicorn.protocols.http.h11_impl ...\n"
        "    | h11._util.LocalProtocolError: Too little data for declared Content-Length\n"
        "    +------------------------------------\n"
    )
    answer, ids = _answer(text, real_store)
    assert (answer, ids[:1]) == ("match", ["content-length-mismatch"])


LOOKALIKES = [
    # werkzeug's own bind error: uvicorn words it differently, and the frames are not its
    """Traceback (most recent call last):
  File "/home/user/app.py", line 9, in <module>
    app.run(port=5000)
  File "/home/user/venv/lib/python3.11/site-packages/werkzeug/serving.py", line 1093, in run_simple
    s.bind(server_address)
OSError: [Errno 98] Address already in use
""",
    # a REPL pickling an SSL context
    """>>> dill.dumps(ssl.create_default_context())
Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
  File "/usr/lib/python3/dist-packages/dill/_dill.py", line 280, in dumps
    dump(obj, file, protocol, byref, fmode, recurse, **kwds)
TypeError: cannot pickle 'SSLContext' object
""",
    # another frozen program with no stdout
    """Traceback (most recent call last):
  File "tool.py", line 4, in <module>
  File "click/termui.py", line 12, in echo
  File "click/_compat.py", line 20, in isatty
AttributeError: 'NoneType' object has no attribute 'isatty'
""",
]


@pytest.mark.parametrize("text", LOOKALIKES)
def test_a_generic_message_from_another_program_is_not_claimed(
    text: str, real_store: Store
) -> None:
    assert _answer(text, real_store) == ("none", [])


def test_a_generic_message_alone_is_only_likely(real_store: Store) -> None:
    result = diagnose(
        "OSError: [Errno 98] Address already in use", real_store, use_environment=False
    )
    assert result.matches == ()
    assert [m.entry.id for m in result.likely] == ["address-already-in-use"]
    assert "uvicorn" in (result.likely[0].confirm or "")
    assert result.involved == ()


def test_forward_slash_windows_paths_are_windows(real_store: Store) -> None:
    result = diagnose(
        "Python 3.11.4 (main) [MSC v.1934 64 bit (AMD64)] on win32\n"
        "runfile('C:/Users/me/main.py', wdir='C:/Users/me')\n",
        real_store,
        use_environment=False,
    )
    assert result.parsed.platform == "win32"

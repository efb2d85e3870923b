"""Issue 15 lookalikes: new entries whose pastes resemble an older entry's stay apart.

uvicorn-shadows-stdlib (a file of the uvicorn package run as a script, so uvicorn's
logging.py / subprocess.py stand in for the standard library's) and
uvicorn-module-shadowed (a user's uvicorn.py standing in for uvicorn) are both
"a module hides another": each paste gets its own entry, never the other's.

uvicornworker-uvloop-missing (gunicorn's UvicornWorker asking for an uninstalled
uvloop) shares uvloop-on-windows' ``No module named 'uvloop'`` and import frame: a
worker paste is answered with the worker entry first, and a plain ``--loop uvloop``
paste never with the worker entry.

websockets-too-old (an old websockets release failing inside uvicorn's websockets
protocol) and websockets9-handshake-deprecation (websockets 9's warning) each share
uvicorn's ``websockets_impl.py`` frames or a ``DeprecationWarning: websockets.``
prefix with websockets-legacy-deprecation (websockets 14's warning); each paste
must be answered with its own entry and never match the other."""

from __future__ import annotations

import pytest

from troubleshoot.diagnose import diagnose
from troubleshoot.kbstore import Store

SITE = "/srv/venv/lib/python3.11/site-packages"
CIRCULAR = "(most likely due to a circular import)"

# uvicorn 0.30 with websockets 8: the legacy protocol's import fails at startup
TOO_OLD_IMPORT = f"""Traceback (most recent call last):
  File "{SITE}/uvicorn/config.py", line 426, in load
    ws_protocol_class = import_from_string(WS_PROTOCOLS[self.ws])
  File "{SITE}/uvicorn/protocols/websockets/auto.py", line 19, in <module>
    from uvicorn.protocols.websockets.websockets_impl import WebSocketProtocol
  File "{SITE}/uvicorn/protocols/websockets/websockets_impl.py", line 10, in <module>
    import websockets.legacy.handshake
ModuleNotFoundError: No module named 'websockets.legacy'
"""

UPGRADE = "https://websockets.readthedocs.io/en/stable/howto/upgrade.html"
# websockets 14+ with warnings turned into errors: the same frames, another failure
LEGACY_AS_ERROR = f"""Traceback (most recent call last):
  File "{SITE}/uvicorn/protocols/websockets/auto.py", line 19, in <module>
    from uvicorn.protocols.websockets.websockets_impl import WebSocketProtocol
  File "{SITE}/uvicorn/protocols/websockets/websockets_impl.py", line 10, in <module>
    import websockets.legacy.handshake
  File "{SITE}/websockets/legacy/__init__.py", line 6, in <module>
    warnings.warn(  # deprecated in 14.0 - 2024-11-09
DeprecationWarning: websockets.legacy is deprecated; see {UPGRADE} for upgrade instructions
"""

# websockets 9 under uvicorn 0.13: a warning at the handshake, not at import
IMPL = f"{SITE}/uvicorn/protocols/websockets/websockets_impl.py"
HANDSHAKE_WARNING = f"""INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)
{IMPL}:95: DeprecationWarning: websockets.handshake is deprecated
  websockets.handshake.check_request(headers)
INFO:     ('127.0.0.1', 50412) - "WebSocket /ws" [accepted]
"""

# websockets 9 under uvicorn 0.16+: the handshake fails on the logger keyword
LOGGER_KEYWORD = f"""Fatal error: protocol.data_received() call failed.
Traceback (most recent call last):
  File "{SITE}/uvicorn/protocols/http/h11_impl.py", line 297, in handle_websocket_upgrade
    protocol = self.ws_protocol_class(  # type: ignore[call-arg, misc]
  File "{SITE}/uvicorn/protocols/websockets/websockets_impl.py", line 104, in __init__
    super().__init__(
  File "{SITE}/websockets/legacy/server.py", line 201, in __init__
    super().__init__(**kwargs)
TypeError: WebSocketCommonProtocol.__init__() got an unexpected keyword argument 'logger'
"""

# gunicorn's UvicornWorker on uvicorn 0.13 without the standard extra
WORKER_NO_UVLOOP = f"""[4440] [INFO] Using worker: uvicorn.workers.UvicornWorker
[4484] [ERROR] Exception in worker process
Traceback (most recent call last):
  File "{SITE}/gunicorn/arbiter.py", line 608, in spawn_worker
    worker.init_process()
  File "{SITE}/uvicorn/workers.py", line 62, in init_process
    self.config.setup_event_loop()
  File "{SITE}/uvicorn/config.py", line 354, in setup_event_loop
    loop_setup = import_from_string(LOOP_SETUPS[self.loop])
  File "{SITE}/uvicorn/loops/uvloop.py", line 3, in <module>
    import uvloop
ModuleNotFoundError: No module named 'uvloop'
[4440] [ERROR] Reason: Worker failed to boot.
"""

# --loop uvloop on the CLI, no gunicorn
CLI_NO_UVLOOP = f"""Traceback (most recent call last):
  File "{SITE}/uvicorn/config.py", line 473, in setup_event_loop
    loop_setup: Callable | None = import_from_string(LOOP_SETUPS[self.loop])
  File "{SITE}/uvicorn/importer.py", line 19, in import_from_string
    module = importlib.import_module(module_str)
  File "{SITE}/uvicorn/loops/uvloop.py", line 3, in <module>
    import uvloop
ModuleNotFoundError: No module named 'uvloop'
"""

RANKED = [
    (WORKER_NO_UVLOOP, "uvicornworker-uvloop-missing"),
    (CLI_NO_UVLOOP, "uvloop-on-windows"),
]


@pytest.mark.parametrize(("text", "expected"), RANKED)
def test_a_lookalike_ranks_its_own_entry_first(text: str, expected: str, real_store: Store) -> None:
    ids = [m.entry.id for m in diagnose(text, real_store, use_environment=False).matches]
    assert ids[:1] == [expected], ids


def test_a_logging_py_of_ones_own_is_not_uvicorns(real_store: Store) -> None:
    """A user's logging.py shadowing the standard library is no uvicorn failure."""
    text = f"""Traceback (most recent call last):
  File "/home/user/tool/run.py", line 1, in <module>
    import requests
  File "/home/user/tool/logging.py", line 3, in <module>
    logger = logging.getLogger(__name__)
AttributeError: partially initialized module 'logging' has no attribute 'getLogger' {CIRCULAR}
"""
    result = diagnose(text, real_store, use_environment=False)
    assert "uvicorn-shadows-stdlib" not in [m.entry.id for m in result.matches]


def test_a_name_uvicorn_never_had_is_not_an_inconsistent_install(real_store: Store) -> None:
    """inconsistent-install claims only names every release defines (Server, main,
    run, Config); an app importing something uvicorn does not offer is its own bug."""
    text = f"""Traceback (most recent call last):
  File "/home/user/app/server.py", line 2, in <module>
    from uvicorn.main import ServerState
ImportError: cannot import name 'ServerState' from 'uvicorn.main' ({SITE}/uvicorn/main.py)
"""
    result = diagnose(text, real_store, use_environment=False)
    assert "inconsistent-install" not in [m.entry.id for m in result.matches]
    emptied = f"""  File "{SITE}/uvicorn/__init__.py", line 2, in <module>
    from uvicorn.main import Server, main, run
ImportError: cannot import name 'Server' from 'uvicorn.main' ({SITE}/uvicorn/main.py)
"""
    ids = [m.entry.id for m in diagnose(emptied, real_store, use_environment=False).matches]
    assert ids[:1] == ["inconsistent-install"], ids


def test_a_cli_uvloop_paste_is_not_the_worker_entry(real_store: Store) -> None:
    result = diagnose(CLI_NO_UVLOOP, real_store, use_environment=False)
    assert "uvicornworker-uvloop-missing" not in [m.entry.id for m in result.matches]


# python .../site-packages/uvicorn/main.py: uvicorn's logging.py answers `import logging`
MAIN_PY_AS_SCRIPT = f"""Traceback (most recent call last):
  File "{SITE}/uvicorn/main.py", line 3, in <module>
    import asyncio
  File "/usr/lib/python3.11/asyncio/base_events.py", line 18, in <module>
    import concurrent.futures
  File "/usr/lib/python3.11/concurrent/futures/_base.py", line 7, in <module>
    import logging
  File "{SITE}/uvicorn/logging.py", line 14, in <module>
    class ColourizedFormatter(logging.Formatter):
AttributeError: partially initialized module 'logging' has no attribute 'Formatter' {CIRCULAR}
"""

# the same on a recent release: uvicorn/logging.py stands in for the logging package
LOGGING_NOT_A_PACKAGE = f"""Traceback (most recent call last):
  File "{SITE}/uvicorn/main.py", line 3, in <module>
    import asyncio
  File "/usr/lib/python3.12/concurrent/futures/_base.py", line 7, in <module>
    import logging
  File "{SITE}/uvicorn/logging.py", line 9, in <module>
    from uvicorn._ansi import style as ansi_style
  File "{SITE}/uvicorn/config.py", line 7, in <module>
    import logging.config
ModuleNotFoundError: No module named 'logging.config'; 'logging' is not a package
"""

# a user's start script called uvicorn.py
SCRIPT_NAMED_UVICORN = f"""Traceback (most recent call last):
  File "/home/user/app/uvicorn.py", line 3, in <module>
    import uvicorn
  File "/home/user/app/uvicorn.py", line 5, in <module>
    uvicorn.run("app:app", host="127.0.0.1", port=8000)
AttributeError: partially initialized module 'uvicorn' has no attribute 'run' {CIRCULAR}
"""

# spawned workers of a shadowed uvicorn
SPAWN_NOT_A_PACKAGE = """Traceback (most recent call last):
  File "<string>", line 1, in <module>
  File "/usr/lib/python3.11/multiprocessing/spawn.py", line 130, in _main
    self = reduction.pickle.load(from_parent)
ModuleNotFoundError: No module named 'uvicorn._subprocess'; 'uvicorn' is not a package
"""

APART = [
    (MAIN_PY_AS_SCRIPT, "uvicorn-shadows-stdlib", "uvicorn-module-shadowed"),
    (LOGGING_NOT_A_PACKAGE, "uvicorn-shadows-stdlib", "uvicorn-module-shadowed"),
    (SCRIPT_NAMED_UVICORN, "uvicorn-module-shadowed", "uvicorn-shadows-stdlib"),
    (SPAWN_NOT_A_PACKAGE, "uvicorn-module-shadowed", "uvicorn-shadows-stdlib"),
    (TOO_OLD_IMPORT, "websockets-too-old", "websockets-legacy-deprecation"),
    (LOGGER_KEYWORD, "websockets-too-old", "websockets-legacy-deprecation"),
    (LEGACY_AS_ERROR, "websockets-legacy-deprecation", "websockets-too-old"),
    (HANDSHAKE_WARNING, "websockets9-handshake-deprecation", "websockets-legacy-deprecation"),
    (LEGACY_AS_ERROR, "websockets-legacy-deprecation", "websockets9-handshake-deprecation"),
]


@pytest.mark.parametrize(("text", "expected", "other"), APART)
def test_a_lookalike_is_answered_with_its_own_entry(
    text: str, expected: str, other: str, real_store: Store
) -> None:
    result = diagnose(text, real_store, use_environment=False)
    ids = [m.entry.id for m in result.matches]
    assert ids[:1] == [expected], ids
    assert other not in ids, ids

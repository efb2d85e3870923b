"""Issue 15: new classes that look like older entries stay apart.

Each real paste of a new class is matched by its own entry first, and the older
entry that shares its symptom is not claimed for it (or, where both explain the
same log line, is not the answer and the guided questions tell them apart).
"""

from __future__ import annotations

import pytest

from tests.corpus_util import CORPUS, load, samples
from troubleshoot.diagnose import diagnose
from troubleshoot.kbstore import Store

# (paste, its entry, the older entry it must not be taken for)
APART = [
    # a factory served as the app: its call, or its app's, fails; not a WSGI callable
    (
        "app-factory-without-factory-flag/0.55.0-factory-raising-typeerror.txt",
        "wsgi-app-served-as-asgi",
    ),
    (
        "app-factory-without-factory-flag/gh-607-poetry-init-missing-send.txt",
        "wsgi-app-served-as-asgi",
    ),
    (
        "app-factory-without-factory-flag/gh-python-aiplatform-5187-create-app.txt",
        "wsgi-app-served-as-asgi",
    ),
    # an ASGI 3 object taken for ASGI 2 by current auto-detection, not a WSGI app
    ("asgi-interface-misdetected/gh-aleph-vm-96-wrapper.txt", "wsgi-app-served-as-asgi"),
    # an ASGI 3 app on a uvicorn older than 0.6.0: neither WSGI nor auto-detection
    (
        "asgi3-app-on-asgi2-only-uvicorn/gh-fastapi-2147-raspberry-dist-packages.txt",
        "wsgi-app-served-as-asgi",
    ),
    (
        "asgi3-app-on-asgi2-only-uvicorn/gh-fastapi-809-debian-0.3.24.txt",
        "asgi-interface-misdetected",
    ),
    # the first message has the wrong type: no response was started
    (
        "app-sends-wrong-asgi-message/0.55.0-typo-request-start.txt",
        "asgi-message-after-response-complete",
    ),
    # the proxy's blanket Connection: upgrade shown in the paste: not a missing library
    ("proxy-connection-upgrade/gh-lnbits-1561-nginx-config.txt", "websocket-unsupported-upgrade"),
    # nest_asyncio's run() without a loop in the thread, not its missing loop_factory
    ("nest-asyncio-in-thread/gh-huixiangdou-356-gradio-thread.txt", "nest-asyncio-loop-factory"),
    ("nest-asyncio-in-thread/0.35.0-apply-then-thread-uvloop.txt", "nest-asyncio-loop-factory"),
]

# Pastes that show only uvicorn's "Unsupported upgrade request." lines: both entries
# explain that line, so the older one may be a candidate, but never the answer, and the
# guided mode tells them apart by what the failing request was.
SHARED_LINE = [
    (
        "proxy-connection-upgrade/gh-python-socketio-686-nginx-polling.txt",
        "websocket-unsupported-upgrade",
    ),
    ("proxy-connection-upgrade/0.18.3-h11-connection-upgrade.txt", "websocket-unsupported-upgrade"),
]


@pytest.mark.parametrize(("paste", "older"), APART, ids=[p for p, _ in APART])
def test_a_new_class_is_not_taken_for_its_lookalike(
    paste: str, older: str, real_store: Store
) -> None:
    sample = load(CORPUS / "pastes" / paste)
    result = diagnose(sample.text, real_store, use_environment=False)
    ids = [m.entry.id for m in result.matches]
    assert ids[:1] == [sample.expect], ids
    assert older not in ids
    assert older not in [m.entry.id for m in result.likely]


@pytest.mark.parametrize(("paste", "older"), SHARED_LINE, ids=[p for p, _ in SHARED_LINE])
def test_a_shared_log_line_ranks_the_new_class_and_is_separated(
    paste: str, older: str, real_store: Store
) -> None:
    sample = load(CORPUS / "pastes" / paste)
    result = diagnose(sample.text, real_store, use_environment=False)
    ids = [m.entry.id for m in result.matches]
    assert ids[:1] == [sample.expect], ids
    if older in ids:
        assert result.matches[0].score > result.matches[ids.index(older)].score
    new, old = real_store.entry(sample.expect), real_store.entry(older)
    assert new is not None and old is not None
    # the question that tells them apart: was the failing request a WebSocket one?
    assert new.conditions.get("websocket") is False
    assert old.conditions.get("websocket") is True


def test_the_older_entrys_own_pastes_are_not_taken_for_the_proxy_class(
    real_store: Store,
) -> None:
    for sample in samples("pastes"):
        if sample.expect != "websocket-unsupported-upgrade":
            continue
        result = diagnose(sample.text, real_store, use_environment=False)
        ids = [m.entry.id for m in result.matches]
        assert ids[:1] == ["websocket-unsupported-upgrade"], (sample.path.name, ids)
        assert "proxy-connection-upgrade" not in ids, sample.path.name


def test_the_loop_factory_pastes_are_not_taken_for_the_thread_class(real_store: Store) -> None:
    for sample in samples("pastes"):
        if sample.expect != "nest-asyncio-loop-factory":
            continue
        result = diagnose(sample.text, real_store, use_environment=False)
        ids = [m.entry.id for m in result.matches + result.likely]
        assert "nest-asyncio-in-thread" not in ids, (sample.path.name, ids)


# uvicorn 0.13-0.14's own uvloop setup in a thread (freqtrade#4530's shape): no
# nest_asyncio involved, so not the nest-asyncio-in-thread class
UVLOOP_SETUP_IN_THREAD = """Exception in thread Thread-1:
Traceback (most recent call last):
  File "/usr/lib/python3.9/threading.py", line 892, in run
    self._target(*self._args, **self._kwargs)
  File "/usr/lib/python3.9/site-packages/uvicorn/server.py", line 47, in run
    self.config.setup_event_loop()
  File "/usr/lib/python3.9/site-packages/uvicorn/loops/uvloop.py", line 8, in uvloop_setup
    asyncio.get_event_loop()
  File "/usr/lib/python3.9/asyncio/events.py", line 642, in get_event_loop
    raise RuntimeError('There is no current event loop in thread %r.'
RuntimeError: There is no current event loop in thread 'Thread-1'.
"""


def test_a_thread_without_nest_asyncio_is_not_the_nest_class(real_store: Store) -> None:
    result = diagnose(UVLOOP_SETUP_IN_THREAD, real_store, use_environment=False)
    ids = [m.entry.id for m in result.matches + result.likely]
    assert "nest-asyncio-in-thread" not in ids, ids


def test_the_wsgi_pastes_are_not_taken_for_the_factory_class(real_store: Store) -> None:
    for sample in samples("pastes"):
        if sample.expect != "wsgi-app-served-as-asgi":
            continue
        result = diagnose(sample.text, real_store, use_environment=False)
        ids = [m.entry.id for m in result.matches + result.likely]
        assert ids[:1] == ["wsgi-app-served-as-asgi"], (sample.path.name, ids)
        assert "app-factory-without-factory-flag" not in ids, sample.path.name

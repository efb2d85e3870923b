"""Issue 15: new classes that look like older entries stay apart.

Each real paste of a new class is matched by its own entry first, and the older
entry that shares its symptom is not claimed for it (or, where both explain the
same log line, is not the answer and the guided questions tell them apart).
"""

from __future__ import annotations

import pytest

from tests.corpus_util import CORPUS, load
from troubleshoot.diagnose import diagnose
from troubleshoot.kbstore import Store

# (paste, its entry, the older entry it must not be taken for)
APART = [
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

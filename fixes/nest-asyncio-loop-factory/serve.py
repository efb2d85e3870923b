"""nest_asyncio is applied before uvicorn is imported (often by a dependency, at import time).

``PORT=8000 MODE=... python serve.py``; MODE ``apply-first`` (the default) is the failure, the
others are fixes:

- ``import-first``: uvicorn is imported before the patch; it binds ``asyncio.run``
  when imported (Python 3.12+), so it keeps the real one, which takes ``loop_factory``;
- ``own-loop``: ``asyncio.run(Server(config).serve())`` on a loop started here, so
  uvicorn never calls ``asyncio.run`` itself;
- ``without``: the same launcher with nest_asyncio gone (not imported, not applied,
  not installed).
"""

import os

MODE = os.environ.get("MODE", "apply-first")
PORT = int(os.environ["PORT"])

if MODE == "import-first":
    import doctor_sut  # noqa: F401  (uvicorn imported before the patch)
if MODE != "without":
    import nest_asyncio

    nest_asyncio.apply()

if MODE == "own-loop":
    import asyncio

    import uvicorn

    config = uvicorn.Config("app:app", host="127.0.0.1", port=PORT)
    asyncio.run(uvicorn.Server(config).serve())
else:
    from doctor_sut import run  # uvicorn.run, imported after the patch (unless import-first)

    run("app:app", host="127.0.0.1", port=PORT)

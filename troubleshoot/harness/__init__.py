"""The repro harness: run ``fixes/<id>/`` against the reference server or a uvicorn release.

Modules, one job each:

- ``interpreters``: find CPython interpreters by minor version on this machine
- ``recipes``: how each uvicorn release range is installed and run (pins, flags)
- ``venvs``: cached, isolated virtual environments built with uv
- ``servers``: the server under test (``reference`` or ``uvicorn==X.Y.Z``)
- ``procs``: processes in their own process group, deadlines, reaping
- ``tls``: a CA and certificate made for one run (trustme)
- ``api``: what a ``scenario.py`` uses (``Run``, ``@scenario``, verdicts)
- ``runner``: load a repro folder and run its scenarios, with cleanup
- ``releases``: uvicorn's release list from PyPI (cached)
- ``bisect``: find where the outcome changes across releases
- ``service``: repro / verify / bisect as the CLI calls them

See docs/repro-harness.md.
"""

"""``run`` of the server under test: uvicorn's, as committed here.

The repro harness writes its own ``doctor_sut.py`` over this one in each run's
folder: the reference server's ``run``, or a release's with the options it needs.
"""

from uvicorn import run

__all__ = ["run"]

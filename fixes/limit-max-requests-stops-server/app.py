"""A healthy app that says which process answered."""

import os

from repro_apps import text

app = text(b"pid %d" % os.getpid(), handles_lifespan=False)

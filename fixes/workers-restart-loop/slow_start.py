"""An app whose import keeps the interpreter busy for 8 seconds without letting
other threads run (C code holding the GIL, as some model or data loaders do).

A worker importing it cannot answer the supervisor's health check meanwhile.
"""

import ctypes

from repro_apps import text

# libc sleep() called through PyDLL keeps the GIL for the whole call.
ctypes.PyDLL(None).sleep(8)

app = text(b"ok", handles_lifespan=False)

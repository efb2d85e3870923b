"""A healthy app; the bad-import-string scenario asks for an attribute it does not have."""

from repro_apps import text

app = text(b"ok", handles_lifespan=False)

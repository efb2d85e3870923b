"""The application in a module of its own, so frozen workers can import it by name."""

from repro_apps import text

app = text(b"ok", handles_lifespan=False)

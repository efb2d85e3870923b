"""The application lives in src/main.py, but the server is started from the
project root (the folder above src/)."""

from repro_apps import text

app = text(b"served from src/main.py", handles_lifespan=False)

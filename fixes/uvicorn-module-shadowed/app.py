"""The app the start script serves, once the real uvicorn is imported."""

from repro_apps import text

app = text(b"served by the real uvicorn", handles_lifespan=False)

"""A launcher written for uvicorn < 0.36 that drives Config and Server itself.

This is the pattern of uvicorn-worker < 0.4.0 (gunicorn), SkyPilot and many
custom ``Server`` subclasses: prepare the event loop through
``Config.setup_event_loop()``, then run ``Server.serve()`` on it.
"""

import asyncio
import os

import uvicorn

config = uvicorn.Config("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))
config.setup_event_loop()  # removed in uvicorn 0.36.0
server = uvicorn.Server(config)
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
loop.run_until_complete(server.serve())

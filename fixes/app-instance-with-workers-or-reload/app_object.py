"""The mistake: handing the application *object* to run() together with
workers=2 or reload=True. Child processes must import the app by name, so the
object has to cross a process boundary (pickle) and cannot.

Usage: PORT=8000 python app_object.py workers|reload
"""

import os
import sys
from typing import Any, Callable

from doctor_sut import run  # uvicorn.run, or reference_server.run: chosen by the harness
from repro_apps import dual, text


def make() -> Callable[..., Any]:
    # Frameworks build the app inside a function (Starlette's request_response,
    # FastAPI routers), so the object is a local closure: not picklable by name.
    return dual(text(b"ok", handles_lifespan=False))


app = make()

if __name__ == "__main__":
    options = {"workers": 2} if sys.argv[1] == "workers" else {"reload": True}
    run(app, host="127.0.0.1", port=int(os.environ["PORT"]), **options)

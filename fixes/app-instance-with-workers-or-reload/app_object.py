"""The mistake: handing the application *object* to run() together with
workers=2 or reload=True. Child processes must import the app by name, so the
object has to cross a process boundary (pickle) and cannot.

Usage: python app_object.py PORT workers|reload
"""

import sys

from doctor_sut import run  # uvicorn.run, or reference_server.run: chosen by the harness


def make():
    # Frameworks build the app inside a function (Starlette's request_response,
    # FastAPI routers), so the object is a local closure: not picklable by name.
    async def serve(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    def app(scope, receive=None, send=None):
        # ASGI 3 (app(scope, receive, send)), and ASGI 2 for releases before 0.6
        if receive is None:
            return lambda receive, send: serve(scope, receive, send)
        return serve(scope, receive, send)

    return app


app = make()

if __name__ == "__main__":
    port, mode = int(sys.argv[1]), sys.argv[2]
    options = {"workers": 2} if mode == "workers" else {"reload": True}
    run(app, host="127.0.0.1", port=port, **options)

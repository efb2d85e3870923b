import threading

import uvicorn
from app.main import app


def start_in_thread() -> threading.Thread:
    thread = threading.Thread(target=uvicorn.run, args=(app,), kwargs={"port": 8002}, daemon=True)
    thread.start()
    return thread


async def start_from_async() -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, lambda: uvicorn.run(app, port=8003))

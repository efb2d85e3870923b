from uvicorn.workers import UvicornWorker


class MyWorker(UvicornWorker):
    CONFIG_KWARGS = {"loop": "asyncio"}

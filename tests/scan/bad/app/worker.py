from uvicorn.workers import UvicornWorker


class MyWorker(UvicornWorker):
    CONFIG_KWARGS = {"loop": "asyncio"}  # noqa: RUF012 (gunicorn reads this attribute)

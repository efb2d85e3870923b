import asyncio


async def init_db():
    return None


asyncio.run(init_db())
loop = asyncio.get_event_loop()
loop.run_until_complete(init_db())


async def app(scope, receive, send):
    pass

import uvicorn


async def main():
    uvicorn.run("app.web:app")


async def main2(config):
    server = uvicorn.Server(config)
    server.run()

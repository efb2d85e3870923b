import uvicorn

def oops(:
    uvicorn.run("app.web:app", reload=True)

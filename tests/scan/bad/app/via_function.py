from uvicorn.main import run


def main():
    run("app.web:app", workers=2)


main()

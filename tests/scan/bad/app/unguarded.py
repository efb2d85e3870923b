from uvicorn import run as serve

APP = "app.web:app"

serve(APP, reload=True)

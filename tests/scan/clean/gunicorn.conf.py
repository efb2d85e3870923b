# gunicorn -c gunicorn.conf.py app.main:app
bind = "0.0.0.0:8000"
workers = 4
worker_class = "uvicorn_worker.UvicornWorker"

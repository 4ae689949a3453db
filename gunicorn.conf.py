"""gunicorn's settings for Primaweb (the image's web server; read from the working folder, /app).

Measured on two cores (bench/bench_web_server.py, docs/deployment.md): the pages spend part of their time
waiting on PostgreSQL, so a few threads per worker serve more than one process per request would, in less
memory. WEB_CONCURRENCY and GUNICORN_THREADS override the counts; GUNICORN_CMD_ARGS any other setting.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# One worker per core, and one more to keep the cores busy while another waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 1000
max_requests_jitter = 100
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = "-"
# gunicorn 25.1+ opens a control socket (gunicornc: change the worker count, reload, stop) in the home
# folder by default: nobody administers the container through it, so it is not opened at all.
control_socket_disable = True

# Primaweb application image: the web server (gunicorn) by default; the same image runs the Celery
# worker, Celery beat and the migrations with another command (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=primaweb.settings.production \
    PRIMAWEB_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# gettext: msgfmt, for compilemessages at build time; libmagic: sniffing uploads; Pango: WeasyPrint.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libmagic1 libpango-1.0-0 libpangoft2-1.0-0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. packages=[] in pyproject.toml:
# this installs the dependencies only; the code is copied below.
COPY pyproject.toml ./
RUN pip install --no-cache-dir . \
    && rm -rf build ./*.egg-info

COPY . .

# The production settings refuse to load without a secret key of 50 characters or more: this throw-away
# value exists only for these two build commands and is not kept in the image's environment. The static
# files are collected with the simulators' too, so that one image serves a demo with them turned on.
RUN SECRET_KEY=build-only-dummy-secret-key-not-used-at-runtime-0123456789 \
        python manage.py compilemessages --ignore=.venv -v0 \
    && SECRET_KEY=build-only-dummy-secret-key-not-used-at-runtime-0123456789 PRIMAWEB_SIMULATORS=true \
        python manage.py collectstatic --noinput -v0

# The code stays owned by root; the service user may write only to the var and media folders.
RUN groupadd --system --gid 10001 primaweb \
    && useradd --system --uid 10001 --gid primaweb --home-dir /home/primaweb --create-home \
        --shell /usr/sbin/nologin primaweb \
    && mkdir -p /app/var /data/media \
    && chown -R primaweb:primaweb /app/var /data/media

USER primaweb

EXPOSE 8000

# gunicorn.conf.py: workers (WEB_CONCURRENCY), threads (GUNICORN_THREADS), time limits, recycling, and no
# control socket; further options: GUNICORN_CMD_ARGS.
CMD ["gunicorn", "--config", "/app/gunicorn.conf.py", "primaweb.wsgi:application"]

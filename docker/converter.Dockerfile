# Document converter: a pool of headless LibreOffice Writers behind unoserver, each supervised, behind the
# project's gate: the same pool as `manage.py run_converter` (documents/converter_pool.py).
# Built from the project's root (docker compose: context ".", dockerfile docker/converter.Dockerfile).
# The listeners (unoserver's XML-RPC and UNO ports) stay on the container's loopback: the gate (port
# 2003) is what other containers reach, and it converts bytes only, for callers that send
# PRIMAWEB_CONVERTER_SECRET.
FROM debian:bookworm-slim

ARG UNOSERVER_VERSION=3.7

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/unoserver/bin:$PATH \
    PRIMAWEB_CONVERTER_LISTENERS=2 \
    PRIMAWEB_CONVERSION_TIMEOUT=60 \
    PRIMAWEB_CONVERTER_MEMORY_LIMIT=1536

# libreoffice-writer, not -nogui: the nogui set lacks Writer's .ui files, and the listener aborts on any
# document with a comment without modules/swriter/ui/annotation.ui (see scripts/system-packages.sh).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libreoffice-writer \
        python3-uno \
        python3-venv \
        fonts-dejavu \
        fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

# --system-site-packages: unoserver needs the "uno" module, which only Debian's python3-uno provides.
RUN python3 -m venv --system-site-packages /opt/unoserver \
    && /opt/unoserver/bin/pip install --no-cache-dir "unoserver==${UNOSERVER_VERSION}"

# LibreOffice keeps its user profile under $HOME.
RUN groupadd --system --gid 10002 unoserver \
    && useradd --system --uid 10002 --gid unoserver --home-dir /home/unoserver --create-home \
        --shell /usr/sbin/nologin unoserver

# Standard library only: Debian's Python runs them as they are. The pool writes each listener's
# LibreOffice profile (macros off, links never fetched) before every start.
COPY documents/converter_gate.py documents/converter_listener.py documents/converter_pool.py /opt/converter/

USER unoserver
ENV HOME=/home/unoserver
WORKDIR /home/unoserver

EXPOSE 2003

# PRIMAWEB_CONVERTER_LISTENERS listeners (one per core the container may use), each restarted whenever it
# exits, stops answering or is left broken by a file, while the gate gives conversions to the others; a
# LibreOffice hung on a hostile file is killed at PRIMAWEB_CONVERSION_TIMEOUT, each listener's address
# space is capped at PRIMAWEB_CONVERTER_MEMORY_LIMIT MiB. The gate refuses to listen beyond the loopback
# without PRIMAWEB_CONVERTER_SECRET.
CMD ["python3", "/opt/converter/converter_pool.py", "--interface", "0.0.0.0", "--port", "2003", \
     "--unoserver", "/opt/unoserver/bin/unoserver", "--work-dir", "/home/unoserver/converter"]

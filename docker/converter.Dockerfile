# Document converter: a headless LibreOffice Writer behind unoserver, behind the project's gate.
# Built from the project's root (docker compose: context ".", dockerfile docker/converter.Dockerfile).
# unoserver (XML-RPC, port 2004) and the UNO listener (port 2002) stay on the container's loopback: the
# gate (port 2003) is what other containers reach, and it converts bytes only, for callers that send
# PRIMAWEB_CONVERTER_SECRET.
FROM debian:bookworm-slim

ARG UNOSERVER_VERSION=3.7

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/unoserver/bin:$PATH

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

# A LibreOffice profile in which macros can never run (the same settings as `manage.py run_converter`).
COPY --chown=unoserver:unoserver docker/converter-profile /home/unoserver/profile
# Standard library only: Debian's Python runs it as it is.
COPY documents/converter_gate.py /opt/converter/converter_gate.py

USER unoserver
ENV HOME=/home/unoserver
WORKDIR /home/unoserver

EXPOSE 2003

# --conversion-timeout: a LibreOffice hung on a hostile file is killed, unoserver exits, the gate exits
# with it, and the container's restart policy starts both afresh. The gate refuses to listen beyond the
# loopback without PRIMAWEB_CONVERTER_SECRET.
CMD ["python3", "/opt/converter/converter_gate.py", "--interface", "0.0.0.0", "--port", "2003", \
     "--backend", "http://127.0.0.1:2004", "--", \
     "unoserver", "--interface", "127.0.0.1", "--port", "2004", "--uno-interface", "127.0.0.1", \
     "--uno-port", "2002", "--user-installation", "/home/unoserver/profile", "--conversion-timeout", "60"]

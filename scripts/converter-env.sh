#!/usr/bin/env bash
# Makes the virtual environment that runs the document converter's listener (unoserver), and prints the
# path of its `unoserver` executable. Idempotent: a second run only checks and prints.
#
# The listener needs the `uno` module, which only Debian's python3-uno provides, for Debian's own
# /usr/bin/python3: the project's interpreter cannot import it. So the listener gets its own environment,
# made from Debian's interpreter with --system-site-packages; the project talks to it over XML-RPC.
# Usage: scripts/converter-env.sh   (UNOSERVER_VENV=... to put it elsewhere than var/unoserver-venv)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${UNOSERVER_VENV:-$root/var/unoserver-venv}"
system_python="${CONVERTER_PYTHON:-/usr/bin/python3}"  # Debian's, the one python3-uno serves

if ! [ -x "$system_python" ] || ! "$system_python" -c 'import uno' >/dev/null 2>&1; then
  echo "converter-env: $system_python cannot import uno. Install LibreOffice and its Python bridge:" >&2
  echo "  apt-get install python3-uno python3-venv libreoffice-writer" >&2
  exit 1
fi
# Debian's libreoffice-writer-nogui lacks Writer's .ui files: the listener then aborts on every document
# with a comment (see scripts/system-packages.sh).
writer_ui=/usr/lib/libreoffice/share/config/soffice.cfg/modules/swriter/ui/annotation.ui
if [ -d /usr/lib/libreoffice/program ] && ! [ -e "$writer_ui" ]; then
  echo "converter-env: LibreOffice lacks Writer's interface files ($writer_ui): documents with comments" >&2
  echo "  would crash the converter. Install the full Writer: apt-get install libreoffice-writer" >&2
  exit 1
fi

# The listener and the project's client must speak the same unoserver API: take the project's version
# when its environment has one, else the same major version.
spec="unoserver>=3,<4"
project_version="$("$root/.venv/bin/python" -c \
  'import importlib.metadata as m; print(m.version("unoserver"))' 2>/dev/null || true)"
if [ -n "$project_version" ]; then
  spec="unoserver==$project_version"
fi

installed_version() {
  "$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("unoserver"))' 2>/dev/null || true
}

wanted() {
  local have="$1"
  [ -n "$have" ] || return 1
  if [ -n "$project_version" ]; then
    [ "$have" = "$project_version" ]
  else
    [ "${have%%.*}" = 3 ]
  fi
}

if ! [ -x "$venv/bin/unoserver" ] || ! wanted "$(installed_version)" \
  || ! "$venv/bin/python" -c 'import uno' >/dev/null 2>&1; then
  if ! [ -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import uno' >/dev/null 2>&1; then
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    if ! "$system_python" -m venv --system-site-packages "$venv" >&2; then
      echo "converter-env: could not make a virtual environment: apt-get install python3-venv" >&2
      exit 1
    fi
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$spec" >&2
fi

"$venv/bin/unoserver" --version >/dev/null
echo "$venv/bin/unoserver"

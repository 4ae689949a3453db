#!/usr/bin/env bash
# Installs the Debian packages Primaweb needs that are missing, and only those.
# Usage: scripts/system-packages.sh run|test
set -euo pipefail

need=()
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
# Documents: LibreOffice converts uploads; its listener runs on Debian's python3 with python3-uno;
# libmagic sniffs what a file really is.
# libreoffice-writer, not libreoffice-writer-nogui: the nogui set ships none of Writer's .ui files, and a
# listener (unlike `soffice --convert-to`) runs LibreOffice's main loop, where Writer builds the comment
# window of a document with comments from modules/swriter/ui/annotation.ui: without it LibreOffice
# aborts, and every DOC/DOCX with a comment is lost. A nogui installation is replaced.
writer_ui=/usr/lib/libreoffice/share/config/soffice.cfg/modules/swriter/ui/annotation.ui
if ! command -v soffice >/dev/null 2>&1 \
  || { [ -d /usr/lib/libreoffice/program ] && ! [ -e "$writer_ui" ]; }; then
  need+=(libreoffice-writer fonts-dejavu-core)
fi
/usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || need+=(python3-uno)
/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
ldconfig -p 2>/dev/null | grep 'libmagic\.so\.1' >/dev/null || need+=(libmagic1)
# WeasyPrint renders the CPAS Online PDFs with Pango.
ldconfig -p 2>/dev/null | grep 'libpangoft2-1\.0\.so\.0' >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "${1:-run}" = test ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v pg_ctlcluster >/dev/null 2>&1 || command -v pg_isready >/dev/null 2>&1 || need+=(postgresql)
  # Redis: the tests of what several machines share (tests/test_shared_state.py, tests/test_cluster.py).
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
fi

if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages (${need[*]}) and no apt-get to install them: install them by hand." >&2
    exit 1
  fi
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

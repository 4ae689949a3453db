#!/bin/sh
# `make run`: the processes of the Procfile under honcho. Ctrl+C is the normal way to stop them: honcho
# then stops every process and exits 130 (143 after a TERM), which make would report as an error.
trap '' INT  # honcho has its own handler; this shell only waits for it
"$@"
rc=$?
case "$rc" in 130 | 143) exit 0 ;; esac
exit "$rc"

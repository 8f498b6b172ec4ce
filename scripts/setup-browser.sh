#!/bin/sh
# Install what the browser tests need, from Debian's own packages: chromium and a
# CJK font (WenQuanYi Micro Hei). Idempotent and quiet: does nothing when both are
# present. Needs root (or sudo) only when something is missing.
set -eu

need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
fc-list 2>/dev/null | grep -qi wqy || need="$need fonts-wqy-microhei"

[ -z "$need" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "setup-browser: need root to install:$need" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# apt's chatter goes to a log that is shown only if something fails
if ! { $sudo apt-get update -qq && \
       $sudo apt-get install -y -qq --no-install-recommends $need fontconfig; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup-browser: apt-get could not install:$need" >&2
    exit 1
fi
fc-cache -f >/dev/null 2>&1 || true

command -v chromium >/dev/null 2>&1 || { echo "setup-browser: chromium still missing" >&2; exit 1; }
fc-list | grep -qi wqy || { echo "setup-browser: fonts-wqy-microhei still missing" >&2; exit 1; }

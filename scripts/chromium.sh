#!/usr/bin/env bash
# Makes sure Chromium is installed for the browser tests (internal/app,
# TestBrowser...), which drive Debian's chromium package with chromedp.
#
#   scripts/chromium.sh
#
# When chromium is missing and this runs as root on a Debian-like system, it
# installs it with apt-get; otherwise it says what to install. It never fails
# the build itself: the browser test fails with the same hint.
set -euo pipefail

log() { printf 'chromium: %s\n' "$*" >&2; }

for name in "${CRIER_CHROMIUM:-}" chromium chromium-browser; do
	if [[ -n $name ]] && command -v "$name" >/dev/null 2>&1; then
		exit 0
	fi
done

if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
	log "not installed; installing Debian's chromium package"
	if DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null ||
		{ apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null; }; then
		exit 0
	fi
	log "apt-get install -y chromium failed"
fi
log "the browser tests need Chromium: apt-get install -y chromium (or set CRIER_CHROMIUM)"

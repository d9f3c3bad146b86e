#!/usr/bin/env bash
# The main pages (lobby, a room, the sheet library) in both themes at 1366×800 and 390×844,
# written to docs/screenshots/ for the README: builds the app, starts it on a free port with a
# fresh store, and drives Debian's Chromium with Playwright (end2end/screenshots.mjs).
#   scripts/screenshots.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"

"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build.sh"

start_scratch_server "$CARGO_TARGET_DIR/debug/server" GUESTS_PER_ADDRESS=100

mkdir -p "$REPO_ROOT/docs/screenshots"
(cd "$REPO_ROOT/end2end" && node screenshots.mjs "$base" "$REPO_ROOT/docs/screenshots")
log "screenshots in docs/screenshots"

#!/usr/bin/env bash
# The main pages (lobby, a room, the sheet library) in both themes at 1366×800 and 390×844,
# written to docs/screenshots/ for the README: builds the app, starts it on a free port with a
# fresh store, and drives Debian's Chromium with Playwright (end2end/screenshots.mjs).
#   scripts/screenshots.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build.sh"

data_dir="$(mktemp -d -t pianorhythm-screenshots-XXXX)"
port="$(free_port)"
base="http://127.0.0.1:$port"
LEPTOS_SITE_ADDR="127.0.0.1:$port" METRICS_ADDR=127.0.0.1:0 DATA_DIR="$data_dir" RUST_LOG=warn \
  GUESTS_PER_ADDRESS=100 "$CARGO_TARGET_DIR/debug/server" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 100); do
  curl -sf "$base/ready" >/dev/null && break
  sleep 0.1
done
curl -sf "$base/ready" >/dev/null || { log "the server did not get ready"; exit 1; }

mkdir -p "$REPO_ROOT/docs/screenshots"
(cd "$REPO_ROOT/end2end" && node screenshots.mjs "$base" "$REPO_ROOT/docs/screenshots")
log "screenshots in docs/screenshots"

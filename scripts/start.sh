#!/usr/bin/env bash
# Sets up, builds in release mode and serves PianoRhythm at http://127.0.0.1:3000
# (or $LEPTOS_SITE_ADDR) on the embedded default store.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build.sh" --release
log "serving on http://${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
exec "$CARGO_TARGET_DIR/release/server"

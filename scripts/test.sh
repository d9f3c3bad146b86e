#!/usr/bin/env bash
# Sets up and runs the whole test suite: formatting and lints, unit and integration tests
# (nextest), then the browser tests (Playwright on Debian Chromium) against the built app.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

"$REPO_ROOT/scripts/setup.sh" --test
"$REPO_ROOT/scripts/build.sh"
# The browser tests run a copy of the server just built: another clone building in the same
# cargo target directory would otherwise replace the binary under them.
e2e_server="$REPO_ROOT/target/e2e/server"
mkdir -p "$(dirname "$e2e_server")"
cp "$CARGO_TARGET_DIR/debug/server" "$e2e_server"

log "no import loops between the top-level modules of any crate"
python3 "$REPO_ROOT/scripts/check-module-cycles.py"

log "cargo fmt --check and clippy"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo clippy -p frontend -p soundfont --target wasm32-unknown-unknown -- -D warnings

log "unit and integration tests"
cargo nextest run --no-fail-fast

log "browser tests"
E2E_PORT="$(free_port)"
E2E_OAUTH_PORT="$(free_port)"
E2E_OAUTH_CONTROL_PORT="$(free_port)"
export E2E_PORT E2E_OAUTH_PORT E2E_OAUTH_CONTROL_PORT
export E2E_SERVER_BIN="$e2e_server"
cd end2end && npx playwright test

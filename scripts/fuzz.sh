#!/usr/bin/env bash
# Fuzzes frame decoding and dispatch into a room with libFuzzer (cargo-fuzz, nightly Rust).
# Not part of the test suite: a run of the default 10 million inputs takes several minutes.
#   scripts/fuzz.sh [RUNS]
set -euo pipefail
source "$(dirname "$0")/env.sh"
runs="${1:-10000000}"

if ! rustup toolchain list | grep -q '^nightly'; then
  log "installing the nightly toolchain (cargo-fuzz needs it for sanitizers)"
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null; then
  log "installing cargo-fuzz"
  cargo install cargo-fuzz --version 0.13.1
fi

# Its own target folder: nightly with sanitizers shares nothing with the normal build.
export CARGO_TARGET_DIR="$HOME/.cache/pianorhythm/fuzz-target"
corpus="$HOME/.cache/pianorhythm/fuzz-corpus/room_frames"
mkdir -p "$corpus"
cd "$REPO_ROOT/fuzz"

# No AddressSanitizer: the code under test is safe Rust, and without it the run is several times
# faster; libFuzzer's coverage instrumentation stays.
log "fuzzing room_frames for $runs inputs"
cargo +nightly fuzz run --sanitizer none room_frames "$corpus" -- -runs="$runs" -max_len=4096 \
  -timeout=10 -print_final_stats=1

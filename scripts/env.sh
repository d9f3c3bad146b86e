# Shared names and paths for the scripts; sourced, not run.
# Cargo.toml's [[workspace.metadata.leptos]] is the source of truth for the bundle name and site.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
metadata() { sed -n "s/^$1 *= *\"\(.*\)\"/\1/p" "$REPO_ROOT/Cargo.toml" | head -n 1; }

export LEPTOS_OUTPUT_NAME="$(metadata output-name)"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$REPO_ROOT/$(metadata site-root)}"
export LEPTOS_SITE_PKG_DIR="${LEPTOS_SITE_PKG_DIR:-$(metadata site-pkg-dir)}"
STYLE_FILE="$REPO_ROOT/$(metadata style-file)"
ASSETS_DIR="$REPO_ROOT/$(metadata assets-dir)"

# Build output lives outside the clone so fresh clones (CI) build incrementally.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pianorhythm/target}"
TOOLS_DIR="${PIANORHYTHM_TOOLS_DIR:-$HOME/.cache/pianorhythm/tools}"
# npm's binaryen: Debian's wasm-opt 108 breaks the externref table, so never use that one.
WASM_OPT="$TOOLS_DIR/node_modules/.bin/wasm-opt"
WASM_SPLIT_VERSION="0.2.4"
# The sampled grand piano: Salamander Grand Piano V3 (Alexander Holm, CC BY 3.0), one npm
# package per velocity layer (1 softest … 16 loudest). Three layers: soft, medium, loud.
PIANO_SAMPLES_VERSION="1.0.5"
PIANO_SAMPLE_LAYERS=(4 10 16)
PIANO_SAMPLES_DIR="$TOOLS_DIR/piano-samples/node_modules/@audio-samples"
# The API reference's viewer at /api/docs (scripts/build.sh copies it into the site).
SWAGGER_UI_VERSION="5.36.0"
SWAGGER_UI_DIR="$TOOLS_DIR/swagger-ui/node_modules/swagger-ui-dist"
# The built-in General MIDI instruments: FluidR3 GM (Frank Wen, MIT), Debian's fluid-soundfont-gm;
# scripts/build.sh splits it into one small SoundFont per instrument.
GM_SOUNDFONT="/usr/share/sounds/sf2/FluidR3_GM.sf2"
GM_SOUNDFONT_CREDIT="FluidR3 GM by Frank Wen, MIT"
# Set when rustup cannot provide the wasm32 target and Debian's rustc-web is used instead.
DEBIAN_WASM_MARKER="$TOOLS_DIR/use-debian-rustc-web"

# The wasm-bindgen crate version the lockfile pins; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$REPO_ROOT/Cargo.lock"
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# A TCP port nothing listens on right now (the OS picks it).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts the server binary $1 on a free port with a fresh store, any further NAME=VALUE
# arguments in its environment; sets $base once it answers /ready, and stops it and removes its
# store when the calling script exits.
start_scratch_server() {
  local program="$1" port
  shift
  scratch_data_dir="$(mktemp -d -t pianorhythm-scratch-XXXX)"
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  env LEPTOS_SITE_ADDR="127.0.0.1:$port" METRICS_ADDR=127.0.0.1:0 DATA_DIR="$scratch_data_dir" \
    RUST_LOG=warn "$@" "$program" &
  scratch_server=$!
  trap 'kill "$scratch_server" 2>/dev/null; wait "$scratch_server" 2>/dev/null; rm -rf "$scratch_data_dir"' EXIT
  for _ in $(seq 100); do
    curl -sf "$base/ready" >/dev/null && return 0
    sleep 0.1
  done
  log "the server did not get ready"
  return 1
}

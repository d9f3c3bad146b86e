#!/usr/bin/env bash
# Builds the site: the wasm client (always optimised for size), its JS glue, the stylesheet and
# public assets into $LEPTOS_SITE_ROOT, then the server binary.
#   scripts/build.sh [--release]   server in release mode (default: debug, for tests)
# The same three steps cargo-leptos performs, so no 30-minute cargo-leptos install is needed.
set -euo pipefail
source "$(dirname "$0")/env.sh"

server_profile=dev
[[ "${1:-}" == "--release" ]] && server_profile=release

pkg_dir="$LEPTOS_SITE_ROOT/$LEPTOS_SITE_PKG_DIR"
wasm_target=wasm32-unknown-unknown

build_client() {
  log "client: cargo build -p frontend (wasm32, profile wasm-release)"
  if [[ -f "$DEBIAN_WASM_MARKER" ]]; then
    RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19 \
      /usr/bin/cargo build -Zbuild-std=std,panic_abort -p frontend --lib --target "$wasm_target" --profile wasm-release
  else
    cargo build -p frontend --lib --target "$wasm_target" --profile wasm-release
  fi
  local wasm="$CARGO_TARGET_DIR/$wasm_target/wasm-release/frontend.wasm"

  log "client: wasm-bindgen"
  rm -rf "$pkg_dir" && mkdir -p "$pkg_dir"
  wasm-bindgen --target web --no-typescript --remove-name-section \
    --out-dir "$pkg_dir" --out-name "$LEPTOS_OUTPUT_NAME" "$wasm"
  mv "$pkg_dir/${LEPTOS_OUTPUT_NAME}_bg.wasm" "$pkg_dir/$LEPTOS_OUTPUT_NAME.wasm"
  if [[ -x "$WASM_OPT" ]]; then
    log "client: wasm-opt -Oz"
    "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-reference-types \
      "$pkg_dir/$LEPTOS_OUTPUT_NAME.wasm" -o "$pkg_dir/$LEPTOS_OUTPUT_NAME.wasm"
  fi
}

build_assets() {
  cp "$STYLE_FILE" "$pkg_dir/$LEPTOS_OUTPUT_NAME.css"
  cp -r "$ASSETS_DIR/." "$LEPTOS_SITE_ROOT/"
  # Served as they are to browsers that accept brotli (or else gzip), so the server never
  # compresses them per request.
  local files=("$pkg_dir"/*.wasm "$pkg_dir"/*.js "$pkg_dir"/*.css)
  brotli -q 11 -k -f "${files[@]}"
  gzip -9 -k -f "${files[@]}"
}

build_server() {
  log "server: cargo build -p server (profile $server_profile)"
  cargo build -p server --bin server --profile "$server_profile"
}

build_client
build_assets
build_server
log "site built in $LEPTOS_SITE_ROOT"

#!/usr/bin/env bash
# Installs what building (and, with `--test`, testing) needs. Idempotent: each step checks first.
set -euo pipefail
source "$(dirname "$0")/env.sh"

want_test_tools=false
[[ "${1:-}" == "--test" ]] && want_test_tools=true

apt_packages=()
need_apt() { command -v "$1" >/dev/null 2>&1 || apt_packages+=("$2"); }

install_apt_packages() {
  ((${#apt_packages[@]})) || return 0
  log "apt-get install ${apt_packages[*]}"
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${apt_packages[@]}"
  apt_packages=()
}

install_wasm_target() {
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then return; fi
  log "rustup target add wasm32-unknown-unknown"
  if rustup target add wasm32-unknown-unknown; then return; fi
  log "rustup failed; falling back to Debian's rustc-web for the client build"
  need_apt rustc-web rustc-web; apt_packages+=(cargo-web rust-web-src lld-19)
  install_apt_packages
  mkdir -p "$TOOLS_DIR" && touch "$DEBIAN_WASM_MARKER"
}

# The standard library's source: the client builds std itself, for size (scripts/build.sh).
# Debian's rust-web-src provides it for the fallback.
install_rust_src() {
  [[ -f "$DEBIAN_WASM_MARKER" ]] && return
  if rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then return; fi
  log "rustup component add rust-src"
  rustup component add rust-src
}

install_wasm_bindgen() {
  local version; version="$(wasm_bindgen_version)"
  if [[ "$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $version" ]]; then return; fi
  log "cargo install wasm-bindgen-cli $version (about 5 minutes, once)"
  # No --locked: its lockfile pins a crate version the registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$version"
}

# wasm-split cuts the client's lazy parts out into modules of their own (scripts/build.sh).
# Its version must understand the split points of the wasm_split_helpers in Cargo.lock.
install_wasm_split() {
  if cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then return; fi
  log "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION (about 3 minutes, once)"
  cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
}

install_wasm_opt() {
  if [[ -x "$WASM_OPT" ]]; then return; fi
  log "npm install binaryen (wasm-opt)"
  mkdir -p "$TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" binaryen@132.0.0
}

# SecantusDB, the MongoDB-protocol server the storage contract tests run the MongoDB backend
# against (no registry ships a real mongod). A debug build: about 5 minutes, once. The tests
# find it at this path (test-support/src/secantus.rs), or wherever SECANTUSD_BIN says.
SECANTUS_VERSION="0.5.3-beta.196"
install_secantus() {
  if [[ -x "${SECANTUSD_BIN:-$TOOLS_DIR/secantus/bin/secantusd-rs}" ]]; then return; fi
  need_apt cmake cmake
  install_apt_packages
  log "cargo install secantus-mdb (SecantusDB, for the MongoDB tests; about 5 minutes, once)"
  # Its own target dir: the shared one would be locked against the project's builds meanwhile.
  CARGO_TARGET_DIR="$TOOLS_DIR/secantus-build" cargo install secantus-mdb \
    --version "$SECANTUS_VERSION" --locked --ignore-rust-version --debug --root "$TOOLS_DIR/secantus"
  rm -rf "$TOOLS_DIR/secantus-build"
}

# kubernetes-validate checks the rendered Kubernetes manifests against the API schemas offline
# (server/tests/deploy.rs finds it here, else on PATH). A virtualenv of its own: Debian's python3
# refuses system-wide pip installs.
KUBERNETES_VALIDATE_VERSION="1.37.0"
install_kubernetes_validate() {
  local venv="$TOOLS_DIR/kubernetes-validate"
  if [[ "$("$venv/bin/kubernetes-validate" --version 2>/dev/null)" == "$KUBERNETES_VALIDATE_VERSION" ]]; then
    return
  fi
  python3 -c 'import ensurepip' 2>/dev/null || apt_packages+=(python3-venv)
  install_apt_packages
  log "pip install kubernetes-validate $KUBERNETES_VALIDATE_VERSION"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
}

# openapi-spec-validator checks the REST API's OpenAPI document (server/tests/openapi.rs finds
# it here, else on PATH). A virtualenv of its own, as for kubernetes-validate.
OPENAPI_SPEC_VALIDATOR_VERSION="0.7.2"
install_openapi_spec_validator() {
  local venv="$TOOLS_DIR/openapi-spec-validator"
  if "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('openapi-spec-validator') != '$OPENAPI_SPEC_VALIDATOR_VERSION')" 2>/dev/null; then
    return
  fi
  python3 -c 'import ensurepip' 2>/dev/null || apt_packages+=(python3-venv)
  install_apt_packages
  log "pip install openapi-spec-validator $OPENAPI_SPEC_VALIDATOR_VERSION"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR_VERSION"
}

install_test_tools() {
  need_apt chromium chromium
  # Tests start their own redis-server on free ports; the package's service is not used.
  need_apt redis-server redis-server
  install_apt_packages
  install_secantus
  install_kubernetes_validate
  install_openapi_spec_validator
  command -v cargo-nextest >/dev/null 2>&1 || cargo install cargo-nextest --locked
  # Installed again whenever the lockfile differs from the one last installed.
  local lock="$REPO_ROOT/end2end/package-lock.json"
  local installed="$REPO_ROOT/end2end/node_modules/.installed-package-lock.json"
  if ! cmp -s "$lock" "$installed"; then
    log "npm ci (Playwright runner, the local OAuth provider, a MIDI reader; the browser is Debian's Chromium)"
    (cd "$REPO_ROOT/end2end" && npm ci --silent --no-audit --no-fund)
    cp "$lock" "$installed"
  fi
}

# The build minifies the client's JS (esbuild) and writes a brotli and a gzip copy of each
# client bundle file (scripts/build.sh); the gzip one by zopfli, 4-5% smaller than gzip -9.
install_bundle_tools() {
  need_apt esbuild esbuild
  need_apt brotli brotli
  need_apt zopfli zopfli
  install_apt_packages
}

# Recorded piano samples (data, not code); scripts/build.sh copies them into the site.
install_piano_samples() {
  local packages=() missing=false layer
  for layer in "${PIANO_SAMPLE_LAYERS[@]}"; do
    [[ -f "$PIANO_SAMPLES_DIR/piano-mp3-velocity$layer/package.json" ]] || missing=true
    packages+=("@audio-samples/piano-mp3-velocity$layer@$PIANO_SAMPLES_VERSION")
  done
  $missing || return 0
  log "npm install the piano samples (${#packages[@]} velocity layers, about 6 MB each)"
  mkdir -p "$TOOLS_DIR/piano-samples"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR/piano-samples" "${packages[@]}"
}

# Swagger UI (the viewer of /api/docs), from npm; scripts/build.sh copies its bundle into the
# site, which serves it itself.
install_swagger_ui() {
  [[ -f "$SWAGGER_UI_DIR/package.json" ]] && grep -q "\"version\": \"$SWAGGER_UI_VERSION\"" "$SWAGGER_UI_DIR/package.json" && return
  log "npm install swagger-ui-dist $SWAGGER_UI_VERSION"
  mkdir -p "$TOOLS_DIR/swagger-ui"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR/swagger-ui" "swagger-ui-dist@$SWAGGER_UI_VERSION"
}

# The General MIDI SoundFont (data, not code) scripts/build.sh splits into the built-in instruments.
install_gm_soundfont() {
  [[ -f "$GM_SOUNDFONT" ]] || apt_packages+=(fluid-soundfont-gm)
  install_apt_packages
}

install_wasm_target
install_rust_src
install_wasm_bindgen
install_wasm_split
install_wasm_opt
install_bundle_tools
install_piano_samples
install_swagger_ui
install_gm_soundfont
$want_test_tools && install_test_tools
log "setup complete"

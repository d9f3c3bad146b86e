#!/usr/bin/env bash
# Builds the site: the wasm client (always optimised for size), its JS glue, the stylesheet and
# public assets into $LEPTOS_SITE_ROOT, then the server binary.
#   scripts/build.sh [--release]   server in release mode (default: debug, for tests)
# The same three steps cargo-leptos performs, so no 30-minute cargo-leptos install is needed.
# Cargo is incremental by itself; each later step is skipped when its inputs did not change (step).
set -euo pipefail
source "$(dirname "$0")/env.sh"

server_profile=dev
[[ "${1:-}" == "--release" ]] && server_profile=release

pkg_dir="$LEPTOS_SITE_ROOT/$LEPTOS_SITE_PKG_DIR"
wasm_target=wasm32-unknown-unknown

# A digest of a step's inputs: an absolute path stands for its contents (a directory: every file
# in it), anything else for itself (a tool's version). This script is always one of them, so that
# a changed step or flag runs again. A missing input fails the build rather than be left out.
digest() {
  describe_inputs "$REPO_ROOT/scripts/build.sh" "$@" | sha256sum | cut -d' ' -f1
}

describe_inputs() {
  local input
  for input in "$@"; do
    if [[ "$input" != /* ]]; then
      printf '%s\n' "$input"
    elif [[ -d "$input" ]]; then
      find "$input" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum || return
    else
      sha256sum "$input" || return
    fi
  done
}

# Runs a step (a function) unless its inputs are the ones it last succeeded on. The stamp, their
# digest, lies in the directory holding the step's outputs, so whatever empties that directory
# forgets the stamp too. It is removed before the step runs and written only after it succeeded:
# a failed or interrupted step always runs again.
#   step STAMP FUNCTION INPUT...
step() {
  local stamp="$1" run="$2" want; shift 2
  want="$(digest "$@")"
  if [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]]; then
    log "$run: inputs unchanged, skipped"
    return
  fi
  rm -f "$stamp"
  "$run"
  echo "$want" >"$stamp"
}

# The version of the wasm-opt in use, or "none": without it the modules are left unoptimised.
wasm_opt_version() {
  if [[ -x "$WASM_OPT" ]]; then grep -m1 '"version"' "$TOOLS_DIR/node_modules/binaryen/package.json"; else echo none; fi
}

# Builds one crate's wasm32 library (profile wasm-release); further arguments go to rustc for
# that crate alone. The standard library is built too (-Zbuild-std, allowed on the stable
# toolchain by RUSTC_BOOTSTRAP), so that everything is built the smallest way: a panic aborts at
# once, with no message formatted (`-Cpanic=immediate-abort`); panics keep no source locations;
# a derived `Debug` prints only the type's name; std picks its smaller algorithms. These flags
# replace `[build] rustflags` for the target: `--cfg erase_components` (.cargo/config.toml) is
# repeated here.
build_wasm() {
  local crate="$1"; shift
  log "$crate: cargo rustc -p $crate (wasm32, profile wasm-release, std built for size)"
  local cargo=(cargo)
  if [[ -f "$DEBIAN_WASM_MARKER" ]]; then
    cargo=(env RUSTC=/usr/bin/rustc CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19 /usr/bin/cargo)
  fi
  RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=shallow" \
    "${cargo[@]}" rustc -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size -p "$crate" --lib \
    --target "$wasm_target" --profile wasm-release -- "$@"
}

frontend_wasm="$CARGO_TARGET_DIR/$wasm_target/wasm-release/frontend.wasm"
soundfont_wasm="$CARGO_TARGET_DIR/$wasm_target/wasm-release/soundfont.wasm"

# The client: the app's wasm, split so that its lazy parts (the lobby, account and sheet-music pages,
# all of a room but the piano, the account corner) are modules of their own, fetched when first
# needed; then its JS glue, each module optimised for size.
build_client() {
  step "$pkg_dir/.client-stamp" split_client "$frontend_wasm" "$REPO_ROOT/frontend/split-retry.js" \
    "$LEPTOS_OUTPUT_NAME" "$(wasm-bindgen --version)" "wasm-split $WASM_SPLIT_VERSION" "$(wasm_opt_version)" \
    "esbuild $(esbuild --version)"
}

# Everything in the bundle directory is made anew from here, so the steps after it run again too.
split_client() {
  # A directory of this build's own: other clones build in the same cargo target directory.
  local split_dir
  split_dir="$(mktemp -d)"

  log "client: wasm-split"
  rm -rf "$pkg_dir" && mkdir -p "$pkg_dir"
  wasm-split-cli "$frontend_wasm" "$split_dir" --target web --out-name "$LEPTOS_OUTPUT_NAME"

  log "client: wasm-bindgen"
  # The main module keeps the exports the split-off modules link against.
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
    --out-dir "$pkg_dir" --out-name "$LEPTOS_OUTPUT_NAME" "$split_dir/$LEPTOS_OUTPUT_NAME.wasm"
  mv "$pkg_dir/${LEPTOS_OUTPUT_NAME}_bg.wasm" "$pkg_dir/$LEPTOS_OUTPUT_NAME.wasm"
  rm "$split_dir/$LEPTOS_OUTPUT_NAME.wasm"
  mv "$split_dir"/*.wasm "$pkg_dir/"
  write_split_loader "$split_dir/__wasm_split.js"
  # The glue and the loader, minified: a fifth less to fetch, gzip'd.
  log "client: esbuild --minify"
  local script
  for script in "$pkg_dir/$LEPTOS_OUTPUT_NAME.js" "$pkg_dir/__wasm_split.______________________.js"; do
    esbuild --minify --log-level=error --allow-overwrite "$script" --outfile="$script"
  done
  if [[ -x "$WASM_OPT" ]]; then
    log "client: wasm-opt -Oz --converge"
    local module
    # --converge repeats the passes while they still shrink a module: about 1.6 KB gzip less
    # on a room's first visit, for seconds more of build.
    # (wasm-split leaves a kind of name subsection binaryen does not know: it warns, and strips it.)
    for module in "$pkg_dir"/*.wasm; do
      "$WASM_OPT" -Oz --converge --strip-debug --strip-producers --enable-bulk-memory \
        --enable-nontrapping-float-to-int --enable-reference-types "$module" -o "$module" \
        2> >(grep -v "unknown name subsection" >&2)
    done
  fi
  rm -rf "$split_dir"
}

# Installs wasm-split's loader under the name Leptos links to, and beside it the manifest from
# which the server, rendering a lazy page, tells the browser which modules to fetch at once
# (each split point: the files it needs).
write_split_loader() {
  local loader="__wasm_split.______________________.js"
  mv "$1" "$pkg_dir/$loader"
  # The glue imports it by the file's name (the wasm's own import keeps its module name).
  sed -i "s|from \"./__wasm_split.js\"|from \"./$loader\"|" "$pkg_dir/$LEPTOS_OUTPUT_NAME.js"
  # A module that fails to load would abort the whole app (the split points cannot fail):
  # every load retries instead, until the server is reachable again.
  sed -i "s|^function makeLoad(fetcher, deps) {|function makeLoad(fetcher, deps) {\n    fetcher = retrying(fetcher);|" \
    "$pkg_dir/$loader"
  cat "$REPO_ROOT/frontend/split-retry.js" >> "$pkg_dir/$loader"
  grep -q "fetcher = retrying(fetcher);" "$pkg_dir/$loader" || { log "wasm-split's loader changed: no retries"; exit 1; }
  python3 - "$pkg_dir/$loader" "$pkg_dir/__wasm_split_manifest.json" <<'PYTHON'
import json, re, sys
loader, manifest = sys.argv[1:]
needs = {}
# "/* split, split */" then the chunk it names: every split point needs that chunk.
for splits, chunk in re.findall(r'/\* (.*?) \*/\nconst __chunk_\d+ = makeLoad\(\(\) => \{\n\s*const src = fetch\(new URL\("\./(\S+?)\.wasm"', open(loader).read()):
    for split in splits.split(", "):
        needs.setdefault(split, []).append(chunk)
# Each split point's own module.
for split, module in re.findall(r'export const __wasm_split_load_(\w+) = .*\n\s*const src = fetch\(new URL\("\./(\S+?)\.wasm"', open(loader).read()):
    needs.setdefault(split, []).append(module)
json.dump(needs, open(manifest, "w"), indent=1, sort_keys=True)
PYTHON
}

# The SoundFont synthesizer: its own small module, loaded by an AudioWorklet only when a player
# picks a SoundFont, so the page's bundle never carries it.
build_soundfont() {
  build_wasm soundfont
  step "$pkg_dir/.soundfont-stamp" optimise_soundfont "$soundfont_wasm" \
    "$REPO_ROOT/frontend/soundfont/processor.js" "$(wasm_opt_version)"
}

optimise_soundfont() {
  log "soundfont: wasm-opt -Oz"
  if [[ -x "$WASM_OPT" ]]; then
    "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$soundfont_wasm" -o "$pkg_dir/soundfont.wasm"
  else
    cp "$soundfont_wasm" "$pkg_dir/soundfont.wasm"
  fi
  cp "$REPO_ROOT/frontend/soundfont/processor.js" "$pkg_dir/soundfont-processor.js"
}

# Copied every time: a copy is quicker than deciding whether it is needed.
build_assets() {
  cp "$STYLE_FILE" "$pkg_dir/$LEPTOS_OUTPUT_NAME.css"
  cp "$REPO_ROOT/frontend/socket-worker.js" "$pkg_dir/socket-worker.js"
  # The sheet player's ticker, a worker so that a hidden tab keeps its pace (app/src/browser/ticker.rs).
  cp "$REPO_ROOT/frontend/ticker.js" "$pkg_dir/ticker.js"
  cp -r "$ASSETS_DIR/." "$LEPTOS_SITE_ROOT/"
  build_api_docs
  step "$pkg_dir/.compress-stamp" compress_bundle "$pkg_dir"/*.wasm "$pkg_dir"/*.js "$pkg_dir"/*.css \
    "$(brotli --version)" "zopfli $(dpkg-query -W -f='${Version}' zopfli 2>/dev/null)"
}

# The API reference at /api/docs: Swagger UI's bundle (scripts/setup.sh installs it) and the
# page that shows the API's document with it.
build_api_docs() {
  local out="$LEPTOS_SITE_ROOT/api-docs"
  [[ -f "$SWAGGER_UI_DIR/swagger-ui-bundle.js" ]] || { log "swagger-ui-dist is missing: run scripts/setup.sh"; exit 1; }
  mkdir -p "$out"
  cp "$SWAGGER_UI_DIR/swagger-ui-bundle.js" "$SWAGGER_UI_DIR/swagger-ui.css" "$SWAGGER_UI_DIR/LICENSE" "$out/"
  cp "$REPO_ROOT/server/api-docs/index.html" "$REPO_ROOT/server/api-docs/api-docs.js" "$out/"
}

# Served as they are to browsers that accept brotli (or else gzip), so the server never
# compresses them per request. The gzip copies by zopfli: the gzip format, 4-5% smaller than
# gzip -9 makes them (half a minute more for the whole bundle). All of them again when any
# changed: simpler than telling which.
compress_bundle() {
  log "bundle: brotli -q 11 and zopfli"
  local files=("$pkg_dir"/*.wasm "$pkg_dir"/*.js "$pkg_dir"/*.css)
  brotli -q 11 -k -f "${files[@]}"
  printf '%s\0' "${files[@]}" | xargs -0 -n 4 -P 2 zopfli --gzip
}

# MIDI note number of a sample's pitch name: "C4" is 60, "D#1" 27, "A0" 21.
midi_note() {
  local name="$1" class
  case "${name:0:1}" in C) class=0 ;; D) class=2 ;; E) class=4 ;; F) class=5 ;; G) class=7 ;; A) class=9 ;; B) class=11 ;; esac
  [[ "${name:1:1}" == "#" ]] && class=$((class + 1))
  echo $((12 * (${name: -1} + 1) + class))
}

samples_dir="$LEPTOS_SITE_ROOT/samples"

build_samples() {
  local layer packages=()
  for layer in "${PIANO_SAMPLE_LAYERS[@]}"; do packages+=("$PIANO_SAMPLES_DIR/piano-mp3-velocity$layer"); done
  step "$samples_dir/.stamp" copy_samples "layers ${PIANO_SAMPLE_LAYERS[*]}" "${packages[@]}"
}

# The sampled piano under $LEPTOS_SITE_ROOT/samples: every file named by its content's hash, so
# the server can let browsers keep it for a year, and piano.json listing them. The first set
# (every C of the medium layer, and the lowest A: under 2 MB) is what the client loads first.
copy_samples() {
  local out="$samples_dir" entries=() layer file pitch note hash name first
  log "samples: copy and name by hash"
  rm -rf "$out" && mkdir -p "$out"
  for layer in "${PIANO_SAMPLE_LAYERS[@]}"; do
    for file in "$PIANO_SAMPLES_DIR/piano-mp3-velocity$layer/audio"/*.mp3; do
      pitch="$(basename "$file" .mp3)" && pitch="${pitch%v*}"
      note="$(midi_note "$pitch")"
      hash="$(sha256sum "$file" | cut -c1-16)"
      name="piano-$note-v$layer-$hash.mp3"
      cp "$file" "$out/$name"
      first=false
      [[ $layer == "${PIANO_SAMPLE_LAYERS[1]}" && ( $pitch == C* || $pitch == A0 ) ]] && first=true
      entries+=("{\"note\":$note,\"layer\":$layer,\"file\":\"$name\",\"bytes\":$(stat -c %s "$file"),\"first\":$first}")
    done
  done
  local IFS=,
  printf '{"credit":"Salamander Grand Piano V3 by Alexander Holm, CC BY 3.0","samples":[%s]}\n' \
    "${entries[*]}" >"$out/piano.json"
  cp "$PIANO_SAMPLES_DIR/piano-mp3-velocity${PIANO_SAMPLE_LAYERS[0]}/README.md" "$out/CREDITS.md"
}

instruments_dir="$LEPTOS_SITE_ROOT/instruments"
splitter="$REPO_ROOT/frontend/soundfont"

build_instruments() {
  step "$instruments_dir/.stamp" split_instruments "$GM_SOUNDFONT" "$GM_SOUNDFONT_CREDIT" \
    "$splitter/Cargo.toml" "$splitter/src/bin" "$splitter/src/split" "$splitter/src/catalogue.rs" \
    "$splitter/src/general_midi.rs"
}

# The built-in instruments under $LEPTOS_SITE_ROOT/instruments: FluidR3 GM split into one
# SoundFont per General MIDI program and drum kit, each named by its content's hash, and
# instruments.json listing them (frontend/soundfont/src/catalogue.rs).
split_instruments() {
  log "instruments: split FluidR3 GM, one SoundFont per instrument"
  [[ -f "$GM_SOUNDFONT" ]] || { log "$GM_SOUNDFONT is missing: run scripts/setup.sh"; exit 1; }
  rm -rf "$instruments_dir"
  cargo run --quiet -p soundfont --bin split-soundfont -- "$GM_SOUNDFONT" "$instruments_dir" "$GM_SOUNDFONT_CREDIT"
}

build_server() {
  log "server: cargo build -p server (profile $server_profile)"
  cargo build -p server --bin server --profile "$server_profile"
}

# wasm-split reads the relocations the linker keeps to know what each split point needs.
build_wasm frontend -Clink-args=--emit-relocs
build_client
build_soundfont
build_assets
build_samples
build_instruments
build_server
log "site built in $LEPTOS_SITE_ROOT"

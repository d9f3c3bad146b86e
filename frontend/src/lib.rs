//! The WebAssembly entry point. The generated JS glue calls `hydrate` once the module has loaded.
//!
//! `scripts/build.sh` builds it with panics aborting at once: a panic reaches the page as an
//! `unreachable` trap, without its message (formatting messages costs the client much code).
// Leptos view types nest deeply; the default limit is too low for whole pages.
#![recursion_limit = "256"]

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    // Hydrates asynchronously: a page behind a lazy route waits for its module first.
    leptos::mount::hydrate_lazy(app::App);
}

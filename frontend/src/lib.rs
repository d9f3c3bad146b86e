//! The WebAssembly entry point. The generated JS glue calls `hydrate` once the module has loaded.
// Leptos view types nest deeply; the default limit is too low for whole pages.
#![recursion_limit = "256"]

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Hydrates asynchronously: a page behind a lazy route waits for its module first.
    leptos::mount::hydrate_lazy(app::App);
}

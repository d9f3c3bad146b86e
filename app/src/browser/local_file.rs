//! Files the player opens from their computer, read in the page: nothing is uploaded.

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, File, HtmlInputElement};

/// The file the player picked in the file input `event` came from, if any.
pub fn chosen(event: &Event) -> Option<File> {
    event
        .target()?
        .dyn_into::<HtmlInputElement>()
        .ok()?
        .files()?
        .get(0)
}

/// The file's bytes, or why the browser would not read them.
pub async fn bytes(file: &File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "the browser could not read it".to_owned())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

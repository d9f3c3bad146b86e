//! Files the player opens from their computer, read in the page: nothing is uploaded.

use js_sys::Uint8Array;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

/// The file's bytes, or why the browser would not read them.
pub async fn bytes(file: &File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "the browser could not read it".to_owned())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

//! Fetching from this site: the answer's body as bytes, or as JSON of a known shape.

use js_sys::ArrayBuffer;
use leptos::prelude::window;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// Fetches `url`, refusing an answer other than 2xx.
pub async fn fetch(url: &str) -> Result<Response, JsValue> {
    let response: Response = JsFuture::from(window().fetch_with_str(url))
        .await?
        .dyn_into()?;
    if !response.ok() {
        return Err(format!("{url} answered {}", response.status()).into());
    }
    Ok(response)
}

pub async fn fetch_bytes(url: &str) -> Result<ArrayBuffer, JsValue> {
    let response = fetch(url).await?;
    JsFuture::from(response.array_buffer()?).await?.dyn_into()
}

/// Fetches `url` and reads its JSON as a `T`; the error is a sentence for the player.
pub async fn fetch_json<T: DeserializeOwned>(url: &str) -> Result<T, String> {
    let text = async {
        let response = fetch(url).await?;
        JsFuture::from(response.text()?).await
    }
    .await
    .map_err(super::in_words)?;
    let text = text.as_string().unwrap_or_default();
    serde_json::from_str(&text).map_err(|error| format!("{url} answered unreadable JSON: {error}"))
}

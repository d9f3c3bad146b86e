//! Files made in the browser, offered for download through object URLs.

use js_sys::{Array, Uint8Array};
use web_sys::{Blob, BlobPropertyBag, Url};

/// A `blob:` URL of `bytes`, to put in a link with a `download` attribute.
pub fn object_url(bytes: &[u8], content_type: &str) -> Option<String> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    Url::create_object_url_with_blob(&blob).ok()
}

/// Lets the browser free a URL's file once no link needs it.
pub fn revoke(url: &str) {
    let _ = Url::revoke_object_url(url);
}

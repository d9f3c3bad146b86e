//! The client bundle (wasm, JS glue, stylesheet).
//!
//! Its file names do not change between builds, so browsers must revalidate (`no-cache`): a
//! stale wasm next to fresh server HTML would break hydration. Revalidation is cheap, a 304 from
//! `Last-Modified`. The build writes `.gz` copies, served to browsers that accept gzip.

use std::path::Path;

use axum::http::{header, HeaderValue};
use tower::Layer;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

pub fn service(pkg_dir: &Path) -> tower_http::set_header::SetResponseHeader<ServeDir, HeaderValue> {
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))
        .layer(ServeDir::new(pkg_dir).precompressed_gzip())
}

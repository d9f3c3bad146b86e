//! The client bundle (wasm, JS glue, stylesheet).
//!
//! Its file names do not change between builds, so browsers must revalidate (`no-cache`): a
//! stale wasm next to fresh server HTML would break hydration. Revalidation is cheap, a 304 from
//! `Last-Modified`. The build writes brotli (`.br`) and gzip (`.gz`) copies next to each file:
//! a browser gets the brotli copy when it accepts brotli, else the gzip one when it accepts gzip,
//! else the file itself, so nothing is compressed per request.

use std::path::Path;

use axum::http::{header, HeaderValue};
use tower::Layer;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

pub fn service(pkg_dir: &Path) -> tower_http::set_header::SetResponseHeader<ServeDir, HeaderValue> {
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))
        .layer(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
}

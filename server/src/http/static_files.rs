//! Files served as they are: the client bundle (wasm, JS glue, stylesheet), the piano's
//! recorded samples and the built-in instruments (one SoundFont each).
//!
//! The bundle's file names do not change between builds, so browsers must revalidate
//! (`no-cache`): a stale wasm next to fresh server HTML would break hydration. Revalidation is
//! cheap, a 304 from `Last-Modified`. The build writes brotli (`.br`) and gzip (`.gz`) copies
//! next to each file: a browser gets the brotli copy when it accepts brotli, else the gzip one
//! when it accepts gzip, else the file itself, so nothing is compressed per request.
//!
//! Samples and instruments are named by their content's hash (`scripts/build.sh`), so a browser
//! keeps each for a year without asking again; only their lists, `piano.json` and
//! `instruments.json`, are revalidated. Neither is compressed again: recorded audio gains
//! nothing from gzip (the instruments are sent as `audio/` for that).

use std::path::Path;

use axum::{
    http::{header, HeaderValue},
    Router,
};
use tower::Layer;
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::{SetResponseHeader, SetResponseHeaderLayer},
};

/// The list of samples the client reads first; every other file under `/samples` is hashed.
pub const SAMPLE_LIST: &str = "piano.json";

pub fn bundle(pkg_dir: &Path) -> SetResponseHeader<ServeDir, HeaderValue> {
    revalidated().layer(
        ServeDir::new(pkg_dir)
            .precompressed_br()
            .precompressed_gzip(),
    )
}

/// The worker holding the page's WebSocket (`frontend/socket-worker.js`), part of the bundle.
pub const SOCKET_WORKER: &str = "socket-worker.js";

/// A worker script of the bundle. A worker obeys the policy its own script is served with, not
/// the page's: this one may connect to this site and do nothing else.
pub fn worker(
    script: &Path,
) -> SetResponseHeader<SetResponseHeader<ServeFile, HeaderValue>, HeaderValue> {
    let policy = SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; connect-src 'self'"),
    );
    policy.layer(
        revalidated().layer(
            ServeFile::new(script)
                .precompressed_br()
                .precompressed_gzip(),
        ),
    )
}

/// The list of the built-in instruments; every other file under `/instruments` is hashed.
pub const INSTRUMENT_LIST: &str = "instruments.json";

/// SoundFonts have no registered media type; this is the one in common use.
const SOUNDFONT_TYPE: &str = "audio/x-soundfont";

/// `/samples`: the hashed sample files, kept for a year, and their list, revalidated.
pub fn samples<S: Clone + Send + Sync + 'static>(samples_dir: &Path) -> Router<S> {
    let files = Router::new().fallback_service(ServeDir::new(samples_dir));
    hashed_with_list(samples_dir, SAMPLE_LIST, files)
}

/// `/instruments`: the hashed SoundFont files, kept for a year, and their list, revalidated.
pub fn instruments<S: Clone + Send + Sync + 'static>(instruments_dir: &Path) -> Router<S> {
    let soundfont = SetResponseHeaderLayer::overriding(
        header::CONTENT_TYPE,
        HeaderValue::from_static(SOUNDFONT_TYPE),
    );
    let files = Router::new()
        .fallback_service(ServeDir::new(instruments_dir))
        .layer(soundfont);
    hashed_with_list(instruments_dir, INSTRUMENT_LIST, files)
}

/// `files`, each kept for a year (they are named by their content), and beside them `list`
/// from `dir`, revalidated.
fn hashed_with_list<S: Clone + Send + Sync + 'static>(
    dir: &Path,
    list: &str,
    files: Router<S>,
) -> Router<S> {
    let kept_for_a_year = SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Router::new()
        .route_service(
            &format!("/{list}"),
            revalidated().layer(ServeFile::new(dir.join(list))),
        )
        .merge(files.layer(kept_for_a_year))
}

fn revalidated() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))
}

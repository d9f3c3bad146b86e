//! `/api/docs`: the REST API's reference, Swagger UI showing `/api/v1/openapi.json`. Its
//! files (the viewer from npm's `swagger-ui-dist`, and `server/api-docs`) are copied into the
//! site by `scripts/build.sh` and served from here, with a policy of their own: this site's
//! scripts, styles, images and fetches only, like the pages', but without the pages' nonce
//! and wasm, which the viewer has no use for.

use std::path::Path;

use axum::http::{header, HeaderValue};
use tower::Layer;
use tower_http::{
    services::ServeDir,
    set_header::{SetResponseHeader, SetResponseHeaderLayer},
};

/// What the reference may load: its scripts, styles and the document from this site, images
/// from here or `data:` (the viewer's icons), nothing inline, and nothing may frame it.
pub const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// The reference's files, `index.html` at `/api/docs` itself.
pub fn viewer(dir: &Path) -> SetResponseHeader<ServeDir, HeaderValue> {
    SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    )
    .layer(ServeDir::new(dir))
}

#[cfg(test)]
mod tests {
    use super::POLICY;

    #[test]
    fn the_reference_runs_only_this_sites_scripts() {
        assert!(POLICY.contains("script-src 'self';"));
        assert!(POLICY.contains("style-src 'self';"));
        assert!(POLICY.contains("frame-ancestors 'none'"));
        assert!(!POLICY.contains("unsafe-eval"));
        assert!(!POLICY.contains("unsafe-inline"));
        assert!(!POLICY.contains("https:"));
    }
}

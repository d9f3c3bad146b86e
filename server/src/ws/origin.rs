//! Which pages may open a WebSocket: cross-site WebSocket hijacking is a page on another site
//! opening our socket with the visitor's cookie, so an upgrade whose `Origin` is neither this
//! site nor listed in `ALLOWED_ORIGINS` is refused before it happens. The same notion of
//! "this site" guards every other request that changes something (`http::cross_site`).
//!
//! A request without `Origin` is allowed: only browsers run other sites' pages, and browsers
//! always send it; tools and tests do not.

use axum::http::{header, HeaderMap, HeaderValue};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    /// Origins allowed besides the site's own, as `scheme://host[:port]`, lower case.
    pub allowed: Vec<String>,
}

impl OriginPolicy {
    /// From `ALLOWED_ORIGINS`: a comma-separated list; empty entries are ignored.
    pub fn from_list(list: &str) -> Self {
        Self {
            allowed: list
                .split(',')
                .map(|origin| origin.trim().trim_end_matches('/').to_ascii_lowercase())
                .filter(|origin| !origin.is_empty())
                .collect(),
        }
    }

    /// Whether a request with these headers may upgrade.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        match headers.get(header::ORIGIN) {
            Some(origin) => self.trusts(origin, headers),
            None => true,
        }
    }

    /// Whether `origin` (a request's `Origin`) is this site, as the request's `Host` names
    /// it, or one listed in `ALLOWED_ORIGINS`.
    pub fn trusts(&self, origin: &HeaderValue, headers: &HeaderMap) -> bool {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let origin = origin.trim_end_matches('/').to_ascii_lowercase();
        if self.allowed.contains(&origin) {
            return true;
        }
        // The site's own origin: the page was served by the host the request is sent to.
        let host = headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .map(str::to_ascii_lowercase);
        let origin_host = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        matches!((origin_host, host), (Some(origin_host), Some(host)) if origin_host == host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, host.parse().unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, origin.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_sites_own_origin_and_listed_ones_are_allowed() {
        let policy = OriginPolicy::from_list(" https://piano.example/ , ,http://localhost:8080");
        assert!(policy.allows(&headers(Some("http://127.0.0.1:3000"), "127.0.0.1:3000")));
        assert!(policy.allows(&headers(Some("https://Piano.example"), "internal:3000")));
        assert!(policy.allows(&headers(Some("http://localhost:8080"), "internal:3000")));
        assert!(policy.allows(&headers(None, "127.0.0.1:3000")));
    }

    #[test]
    fn other_sites_are_refused() {
        let policy = OriginPolicy::default();
        for origin in [
            "http://evil.example",
            "http://127.0.0.1:3001",
            "http://127.0.0.1:3000.evil.example",
            "null",
            "file://",
        ] {
            assert!(
                !policy.allows(&headers(Some(origin), "127.0.0.1:3000")),
                "{origin}"
            );
        }
    }
}

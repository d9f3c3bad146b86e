//! CORS for API clients: the pages of the sites `CORS_ORIGINS` names may call `/api/v1` with a
//! bearer token. Preflights are answered (methods, `Authorization` and `Content-Type`), and
//! credentials never cross sites: answers never carry `Access-Control-Allow-Credentials`, so a
//! browser neither sends the session cookie on a preflighted request nor lets a page read an
//! answer it got with one; and the cookie of any request from another site's page (one whose
//! `Origin` is neither this site nor in `ALLOWED_ORIGINS`) is dropped before the API sees it,
//! so such a request acts with its token or as nobody.

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method},
    middleware::{self, Next},
    response::Response,
    Router,
};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::ws::OriginPolicy;

/// Where the API lives.
const API_PREFIX: &str = "/api/v1/";

/// How long a browser may keep a preflight's answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// The sites whose pages may call the API (`CORS_ORIGINS`).
#[derive(Clone, Debug, Default)]
pub struct CorsOrigins(pub Vec<HeaderValue>);

/// `CORS_ORIGINS`: a comma-separated list of `scheme://host[:port]`; empty entries are
/// ignored. An entry that is not such an origin is refused, naming it.
pub fn origins(list: &str) -> Result<CorsOrigins, String> {
    list.split(',')
        .map(|origin| origin.trim().trim_end_matches('/').to_ascii_lowercase())
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            let host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            match host {
                Some(host)
                    if !host.is_empty()
                        && !host.contains(['/', '?', '#', '@', '*'])
                        && !host.contains(char::is_whitespace) =>
                {
                    HeaderValue::from_str(&origin).map_err(|_| origin.clone())
                }
                _ => Err(origin),
            }
            .map_err(|origin| {
                format!("CORS_ORIGINS: {origin:?} is not an origin (scheme://host[:port])")
            })
        })
        .collect::<Result<_, _>>()
        .map(CorsOrigins)
}

/// The API's router, answering the listed sites' pages.
pub fn for_api<S: Clone + Send + Sync + 'static>(
    api: Router<S>,
    allowed: &CorsOrigins,
) -> Router<S> {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed.0.iter().cloned()))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([header::RETRY_AFTER])
        .max_age(PREFLIGHT_MAX_AGE);
    api.layer(cors)
}

/// Every route, with the cookies of an API request sent by another site's page removed
/// before the session is read.
pub fn without_foreign_api_cookies<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    ours: Arc<OriginPolicy>,
) -> Router<S> {
    router.layer(middleware::from_fn_with_state(ours, drop_foreign_cookies))
}

async fn drop_foreign_cookies(
    State(ours): State<Arc<OriginPolicy>>,
    mut request: Request,
    next: Next,
) -> Response {
    let foreign = request.uri().path().starts_with(API_PREFIX)
        && request
            .headers()
            .get(header::ORIGIN)
            .is_some_and(|origin| !ours.trusts(origin, request.headers()));
    if foreign {
        request.headers_mut().remove(header::COOKIE);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_listed_as_scheme_host_and_port() {
        let listed = origins(" https://Tools.example/ , ,http://localhost:8080").unwrap();
        assert_eq!(listed.0, ["https://tools.example", "http://localhost:8080"]);
        assert!(origins("").unwrap().0.is_empty());
        for wrong in [
            "tools.example",
            "https://",
            "https://a.example/path",
            "*",
            "ftp://a.example",
            "https://a b.example",
        ] {
            assert!(origins(wrong).is_err(), "{wrong:?}");
        }
    }
}

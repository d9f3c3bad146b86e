//! Cross-site request forgery: a page on another site posting a form (or a `fetch`) to us
//! carries the visitor's session cookie, and would act as them. A request that changes
//! something (POST, PUT, PATCH, DELETE) and carries the session cookie is answered only when
//! the browser says it comes from this site: its `Origin` is ours (or listed in
//! `ALLOWED_ORIGINS`, see [`OriginPolicy`]), or, without `Origin`, its `Sec-Fetch-Site` is
//! `same-origin` or `none` (typed by the player). With neither header it is refused: every
//! browser in use sends one of them, so only a very old one is turned away.
//!
//! Requests without the session cookie carry no ambient credentials (API clients with a
//! bearer token, tools) and pass; `SiteGuard=Lax` on the cookie is a second line, not the only
//! one.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};

use crate::{error::ApiError, ws::OriginPolicy};

/// Where the JSON API lives: its refusals use the API's error shape.
const API_PREFIX: &str = "/api/v1/";

const REFUSAL: &str = "requests from other sites may not act for a signed-in visitor";

/// What the guard needs: whose origins are ours and which cookie is the session's.
#[derive(Clone, Debug)]
pub struct SiteGuard {
    /// This site, and the others `ALLOWED_ORIGINS` lists.
    pub origins: Arc<OriginPolicy>,
    /// The session cookie's name (`__Host-` prefixed over HTTPS).
    pub cookie: &'static str,
}

/// Whether a request may go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    CrossSite,
}

impl SiteGuard {
    /// The rules of the module's documentation, for one request.
    pub fn verdict(&self, method: &Method, headers: &HeaderMap) -> Verdict {
        let changes_something = !matches!(
            *method,
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        );
        if !changes_something || !carries_cookie(headers, self.cookie) {
            return Verdict::Allowed;
        }
        let ours = match (headers.get(header::ORIGIN), headers.get("sec-fetch-site")) {
            (Some(origin), _) => self.origins.trusts(origin, headers),
            (None, Some(site)) => matches!(site.as_bytes(), b"same-origin" | b"none"),
            (None, None) => false,
        };
        match ours {
            true => Verdict::Allowed,
            false => Verdict::CrossSite,
        }
    }
}

/// Whether a `Cookie` header names `name`.
fn carries_cookie(headers: &HeaderMap, name: &str) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .any(|pair| pair.trim().split('=').next() == Some(name))
}

/// Refuses cross-site requests that would act with the session cookie, on every route.
pub fn guarded<S: Clone + Send + Sync + 'static>(router: Router<S>, rules: SiteGuard) -> Router<S> {
    router.layer(middleware::from_fn_with_state(rules, guard))
}

async fn guard(State(rules): State<SiteGuard>, request: Request, next: Next) -> Response {
    if rules.verdict(request.method(), request.headers()) == Verdict::Allowed {
        return next.run(request).await;
    }
    tracing::info!(path = request.uri().path(), "refused a cross-site request");
    if request.uri().path().starts_with(API_PREFIX) {
        return ApiError::Forbidden(REFUSAL.into()).into_response();
    }
    (StatusCode::FORBIDDEN, REFUSAL).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COOKIE: &str = "pianorhythm.sid";

    fn rules(allowed: &str) -> SiteGuard {
        SiteGuard {
            origins: Arc::new(OriginPolicy::from_list(allowed)),
            cookie: COOKIE,
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "piano.example".parse().unwrap());
        for (name, value) in pairs {
            headers.append(*name, value.parse().unwrap());
        }
        headers
    }

    const SESSION: (&str, &str) = ("cookie", "theme=dark; pianorhythm.sid=abc");

    #[test]
    fn a_cookie_carrying_post_from_another_site_is_refused() {
        let rules = rules("");
        for other in [
            &[SESSION, ("origin", "https://evil.example")][..],
            &[SESSION, ("origin", "null")],
            &[SESSION, ("origin", "https://piano.example.evil.example")],
            &[SESSION, ("sec-fetch-site", "cross-site")],
            &[SESSION, ("sec-fetch-site", "same-site")],
            // Neither header: only a very old browser, refused to be safe.
            &[SESSION],
            // Origin decides when both are sent.
            &[
                SESSION,
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "same-origin"),
            ],
        ] {
            for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
                assert_eq!(
                    rules.verdict(&method, &headers(other)),
                    Verdict::CrossSite,
                    "{method} {other:?}"
                );
            }
        }
    }

    #[test]
    fn the_site_itself_and_listed_sites_pass() {
        let rules = rules("https://friend.example");
        for ours in [
            &[SESSION, ("origin", "https://piano.example")][..],
            &[SESSION, ("origin", "http://piano.example")],
            &[SESSION, ("origin", "https://friend.example")],
            &[SESSION, ("sec-fetch-site", "same-origin")],
            &[SESSION, ("sec-fetch-site", "none")],
        ] {
            assert_eq!(
                rules.verdict(&Method::POST, &headers(ours)),
                Verdict::Allowed,
                "{ours:?}"
            );
        }
    }

    #[test]
    fn requests_without_the_session_cookie_or_that_change_nothing_pass() {
        let rules = rules("");
        let from_elsewhere = ("origin", "https://evil.example");
        let bearer = ("authorization", "Bearer abc");
        let other_cookie = ("cookie", "pianorhythm.sid.old=1; theme=dark");
        for pairs in [
            &[from_elsewhere, bearer][..],
            &[bearer],
            &[from_elsewhere, other_cookie],
        ] {
            assert_eq!(
                rules.verdict(&Method::POST, &headers(pairs)),
                Verdict::Allowed,
                "{pairs:?}"
            );
        }
        for method in [Method::GET, Method::HEAD, Method::OPTIONS] {
            assert_eq!(
                rules.verdict(&method, &headers(&[SESSION, from_elsewhere])),
                Verdict::Allowed
            );
        }
    }
}

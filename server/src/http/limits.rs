//! Limits on what one address may ask of the HTTP side: a request rate (pages, server
//! functions, `/api/v1`) with `tower_governor`, and a size for every request body. Refusals
//! use the API's error shape: 429 with `Retry-After`, 413.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    extract::{ConnectInfo, Request},
    http::{header, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};
use tower_governor::{
    governor::GovernorConfigBuilder, key_extractor::KeyExtractor, GovernorError, GovernorLayer,
};
use tower_http::limit::RequestBodyLimitLayer;

use crate::{error::ApiError, limits::address_key};

/// How much one address may ask; the README's configuration table lists the variables.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HttpLimits {
    /// `HTTP_REQUESTS_PER_SECOND`: sustained requests per address.
    pub requests_per_second: u32,
    /// `HTTP_BURST`: requests an address may make at once after a pause.
    pub burst: u32,
    /// `MAX_BODY_BYTES`: the largest request body accepted.
    pub max_body_bytes: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            requests_per_second: 20,
            burst: 100,
            max_body_bytes: 64 * 1024,
        }
    }
}

/// Rate-limits `router`'s routes per client address.
pub fn rate_limited<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    limits: HttpLimits,
) -> Router<S> {
    let period = Duration::from_secs(1) / limits.requests_per_second.max(1);
    let config = GovernorConfigBuilder::default()
        .key_extractor(ClientAddress)
        .period(period)
        .burst_size(limits.burst.max(1))
        .finish()
        .expect("a positive period and burst");
    let config = Arc::new(config);
    // The limiter forgets addresses it has not seen for a while.
    let limiter = config.limiter().clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            limiter.retain_recent();
            if Arc::strong_count(&limiter) == 1 {
                return;
            }
        }
    });
    router.layer(GovernorLayer::new(config).error_handler(refusal))
}

/// Refuses bodies over the limit, on every route.
pub fn body_limited<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    limits: HttpLimits,
) -> Router<S> {
    let limit = limits.max_body_bytes;
    router
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            json_too_large(request, next, limit)
        }))
}

/// The body limit answers a bare 413; say it in the API's shape.
async fn json_too_large(request: Request, next: Next, limit: usize) -> Response {
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json {
        return ApiError::TooLarge { limit }.into_response();
    }
    response
}

fn refusal(error: GovernorError) -> Response {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => ApiError::TooManyRequests {
            retry_after: wait_time.max(1),
        }
        .into_response(),
        GovernorError::UnableToExtractKey | GovernorError::Other { .. } => {
            ApiError::BadRequest("cannot tell where the request comes from".into()).into_response()
        }
    }
}

/// The client's address as the player limits count it (IPv6 by /64).
#[derive(Clone, Copy, Debug)]
struct ClientAddress;

impl KeyExtractor for ClientAddress {
    type Key = std::net::IpAddr;

    fn extract<T>(&self, request: &axum::http::Request<T>) -> Result<Self::Key, GovernorError> {
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| address_key(peer.ip()))
            .ok_or(GovernorError::UnableToExtractKey)
    }
}

//! Limits on what one address may ask of the HTTP side: a request rate (pages, server
//! functions, `/api/v1`, and `/ws` handshakes on a budget of their own) with `tower_governor`,
//! a size for every request body and a time to read it and answer. Refusals use the API's
//! error shape: 429 with `Retry-After`, 413; a request out of time gets 408.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    body::Body,
    extract::{ConnectInfo, Request},
    http::{header, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};
use tower_governor::{
    governor::GovernorConfigBuilder, key_extractor::KeyExtractor, GovernorError, GovernorLayer,
};

use pianorhythm_engine::limits::address_key;
use tower::{util::MapRequestLayer, Layer, ServiceExt};
use tower_http::{body::Limited, limit::RequestBodyLimitLayer, timeout::TimeoutLayer};

use crate::error::ApiError;

/// How much one address may ask; docs/operations.md lists the variables.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HttpLimits {
    /// `HTTP_REQUESTS_PER_SECOND`: sustained requests per address.
    pub requests_per_second: u32,
    /// `HTTP_BURST`: requests an address may make at once after a pause.
    pub burst: u32,
    /// `MAX_BODY_BYTES`: the largest request body accepted.
    pub max_body_bytes: usize,
    /// The largest sheet music upload (a file up to the sheet size limit, and its form).
    pub max_upload_bytes: usize,
    /// `REQUEST_TIMEOUT_SECS`: how long reading a request's body and answering it may take;
    /// a body dripped byte by byte holds a connection no longer than this.
    pub request_timeout: Duration,
}

/// Where sheet music is uploaded (the REST route and the page's server function) and where a
/// room's recording is sent to become MIDI: the routes with a larger body limit.
pub const UPLOAD_PATHS: [&str; 4] = [
    "/api/v1/sheet_music/upload",
    "/api/upload_sheet",
    "/api/recording_midi",
    "/api/save_recording",
];

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            requests_per_second: 20,
            burst: 100,
            max_body_bytes: 64 * 1024,
            max_upload_bytes: upload_limit(),
            request_timeout: Duration::from_secs(30),
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

/// A sheet's largest content plus room for the other form fields.
pub fn upload_limit() -> usize {
    pianorhythm_core::domain::sheet_music::MAX_CONTENT_BYTES + 64 * 1024
}

/// Refuses bodies over the limit, on every route.
pub fn body_limited<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    limits: HttpLimits,
) -> Router<S> {
    router.layer(middleware::from_fn(move |request: Request, next: Next| {
        limit_body(request, next, limits)
    }))
}

/// Limits the body to the route's size (uploads get more), and says a refusal in the API's
/// shape: the limit itself answers a bare 413.
async fn limit_body(request: Request, next: Next, limits: HttpLimits) -> Response {
    let limit = if UPLOAD_PATHS.contains(&request.uri().path()) {
        limits.max_upload_bytes
    } else {
        limits.max_body_bytes
    };
    let next =
        MapRequestLayer::new(|request: Request<Limited<Body>>| request.map(Body::new)).layer(next);
    let limited = RequestBodyLimitLayer::new(limit).layer(next);
    let response = match limited.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json {
        return ApiError::TooLarge { limit }.into_response();
    }
    response
}

/// Answers 408 to a request not read and answered within the limit (a body sent a byte at a
/// time, a client that stops half-way); the connection is then closed.
pub fn timed<S: Clone + Send + Sync + 'static>(router: Router<S>, limits: HttpLimits) -> Router<S> {
    router.layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        limits.request_timeout,
    ))
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

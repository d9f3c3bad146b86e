//! HTTP requests counted by route and status, and timed by route, for `/metrics`.
//!
//! The route is the pattern a request matched (`/api/v1/sheet_music/{id}`), never the path
//! itself, so the number of series stays as small as the number of routes; anything that
//! matched none (a fallback page, a refusal before routing) is `unmatched`.

use std::{sync::Arc, time::Instant};

use axum::{
    extract::{MatchedPath, Request},
    middleware::{self, Next},
    response::Response,
    Router,
};
use metrics::{counter, histogram};

use crate::metrics::{HTTP_REQUESTS, HTTP_REQUEST_SECONDS};

/// The route a request matched, carried out on its response to the layer that counts it.
#[derive(Clone)]
struct MatchedRoute(Arc<str>);

/// Counts and times every request `router` answers.
pub fn counted<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .route_layer(middleware::from_fn(label_with_route))
        .layer(middleware::from_fn(count))
}

async fn label_with_route(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| MatchedRoute(path.as_str().into()));
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(route);
    }
    response
}

async fn count(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    let route = response
        .extensions()
        .get::<MatchedRoute>()
        .map_or("unmatched", |route| &route.0)
        .to_owned();
    let status = response.status().as_str().to_owned();
    counter!(HTTP_REQUESTS, "route" => route.clone(), "status" => status).increment(1);
    histogram!(HTTP_REQUEST_SECONDS, "route" => route).record(started.elapsed().as_secs_f64());
    response
}

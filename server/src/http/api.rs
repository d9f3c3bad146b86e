//! REST API v1. Every answer, errors included, is JSON in the shape of [`crate::error::ApiError`].

use axum::Router;

use crate::{error::ApiError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .fallback(|| async { ApiError::NotFound("no such API route".into()) })
        .method_not_allowed_fallback(|| async {
            ApiError::MethodNotAllowed("method not allowed on this API route".into())
        })
}

//! Extractors for request bodies and queries whose rejections answer in the API's error shape
//! (`{"error", "code"}`) rather than axum's plain text: a client learns what was wrong with
//! its request the way it learns everything else.

use axum::{
    extract::{
        rejection::{JsonRejection, QueryRejection},
        FromRequest, FromRequestParts,
    },
    http::StatusCode,
};

use crate::error::ApiError;

/// A JSON request body (`Content-Type: application/json`).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct JsonBody<T>(pub T);

/// The query string's parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct QueryParams<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::BadRequest(
                "send the body as JSON, with Content-Type: application/json".into(),
            ),
            JsonRejection::JsonSyntaxError(error) => {
                ApiError::BadRequest(format!("the body is not valid JSON: {}", error.body_text()))
            }
            JsonRejection::JsonDataError(error) => ApiError::BadRequest(format!(
                "the body does not fit this route: {}",
                error.body_text()
            )),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::BadRequest("the request body is too large".into())
            }
            other => {
                ApiError::BadRequest(format!("the body cannot be read: {}", other.body_text()))
            }
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(format!(
            "the query does not fit this route: {}",
            rejection.body_text()
        ))
    }
}

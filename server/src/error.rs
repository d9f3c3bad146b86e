//! The one error shape of every HTTP API: a status code and `{"error": message, "code": code}`,
//! and which of them each [`ServiceError`] gets.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use pianorhythm_engine::{limits::LimitError, rooms::RoomError};
use serde::Serialize;

use crate::service_error::ServiceError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotReady(String),
    #[error("{0}")]
    Forbidden(String),
    /// The request clashes with the record's state (e.g. a report closed already).
    #[error("{0}")]
    Conflict(String),
    /// No credentials, or ones that are expired or not ours.
    #[error("{0}")]
    Unauthorized(String),
    /// One field of the request is wrong.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// Too many requests from this address; try again after this many seconds.
    #[error("too many requests; try again in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    /// A quota of the account is used up; the message says which and when to try again.
    #[error("{message}")]
    OverQuota { message: String, retry_after: u64 },
    #[error("the request body is over {limit} bytes")]
    TooLarge { limit: usize },
}

/// The JSON body of an error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people; it may change between versions.
    pub error: String,
    /// What went wrong, for programs: `not_found`, `method_not_allowed`, `bad_request`,
    /// `not_ready`, `forbidden`, `conflict`, `unauthorized`, `invalid`, `rate_limited`,
    /// `over_quota` or `too_large`.
    pub code: &'static str,
    /// The field at fault, for an invalid request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotReady(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Invalid { .. } => StatusCode::BAD_REQUEST,
            Self::TooManyRequests { .. } | Self::OverQuota { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    /// A stable, machine-readable code; clients match on this, never on the message.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::BadRequest(_) => "bad_request",
            Self::NotReady(_) => "not_ready",
            Self::Forbidden(_) => "forbidden",
            Self::Conflict(_) => "conflict",
            Self::Unauthorized(_) => "unauthorized",
            Self::Invalid { .. } => "invalid",
            Self::TooManyRequests { .. } => "rate_limited",
            Self::OverQuota { .. } => "over_quota",
            Self::TooLarge { .. } => "too_large",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.to_string(),
            code: self.code(),
            field: match &self {
                Self::Invalid { field, .. } => Some(field),
                _ => None,
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        if let Self::TooManyRequests { retry_after } | Self::OverQuota { retry_after, .. } = self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after.into());
        }
        if let Self::Unauthorized(_) = self {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let message = error.to_string();
        match error {
            ServiceError::NotSignedIn
            | ServiceError::InvalidToken
            | ServiceError::InvalidRefreshToken
            | ServiceError::InvalidTicket => ApiError::Unauthorized(message),
            ServiceError::Denied(denied) if denied.needs_sign_in() => {
                ApiError::Unauthorized(message)
            }
            ServiceError::Denied(_)
            | ServiceError::Banned
            | ServiceError::NotYours
            | ServiceError::NotYourTicket => ApiError::Forbidden(message),
            ServiceError::UnknownProvider(_) | ServiceError::NotFound(_) => {
                ApiError::NotFound(message)
            }
            ServiceError::SignIn(_) => ApiError::BadRequest(message),
            ServiceError::Field { field, message } => ApiError::Invalid { field, message },
            ServiceError::Quota(exceeded) => ApiError::OverQuota {
                message,
                retry_after: exceeded.retry_after.as_millis().div_ceil(1_000) as u64,
            },
            ServiceError::TooMany { retry_after, .. } => ApiError::TooManyRequests { retry_after },
            ServiceError::AlreadyDone(_) => ApiError::Conflict(message),
            ServiceError::Unavailable => ApiError::NotReady(message),
        }
    }
}

impl From<RoomError> for ApiError {
    fn from(error: RoomError) -> Self {
        let message = error.to_string();
        match error {
            RoomError::RoomNotFound | RoomError::PlayerNotFound => ApiError::NotFound(message),
            RoomError::RoomFull
            | RoomError::NameTaken
            | RoomError::NotInRoom
            | RoomError::Limited(LimitError::TooManyLiveRooms) => ApiError::Conflict(message),
            RoomError::WrongPassword
            | RoomError::PasswordCheck { .. }
            | RoomError::Banned { .. }
            | RoomError::NotAllowed(_) => ApiError::Forbidden(message),
            RoomError::Invalid(_) => ApiError::BadRequest(message),
            RoomError::RateLimited(_) | RoomError::Limited(_) => ApiError::OverQuota {
                message,
                // The allowances refill within a minute.
                retry_after: 60,
            },
            RoomError::Unavailable(_) => ApiError::NotReady(message),
            RoomError::Storage(detail) => ServiceError::unavailable(detail).into(),
        }
    }
}

//! The one error type of the accounts layer, and how each kind reaches an HTTP client.

use pianorhythm_store::StoreError;

use pianorhythm_engine::policy::Denied;

use crate::error::ApiError;

use super::oauth::OAuthError;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// No account is signed in (or no valid token came with the request).
    #[error("sign in first")]
    NotSignedIn,
    #[error("the access token is missing, expired or not ours")]
    InvalidToken,
    #[error("the refresh token is unknown, used or expired")]
    InvalidRefreshToken,
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error("this account is banned from the site")]
    Banned,
    #[error("no sign-in provider {0:?} is configured")]
    UnknownProvider(String),
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error("no such {0}")]
    NotFound(&'static str),
    /// A field of a form is wrong; the message is fit for the player.
    #[error("{message}")]
    Field {
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    Unavailable(String),
}

impl AccountError {
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        Self::Field {
            field,
            message: message.into(),
        }
    }
}

impl From<StoreError> for AccountError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict { what } => Self::field(what, format!("that {what} is taken")),
            StoreError::Invalid(message) => Self::field("form", message),
            StoreError::Unavailable(message) => Self::Unavailable(message),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        let message = error.to_string();
        match error {
            AccountError::NotSignedIn
            | AccountError::InvalidToken
            | AccountError::InvalidRefreshToken => ApiError::Unauthorized(message),
            AccountError::Denied(denied) if denied.needs_sign_in() => {
                ApiError::Unauthorized(message)
            }
            AccountError::Denied(_) | AccountError::Banned => ApiError::Forbidden(message),
            AccountError::UnknownProvider(_) | AccountError::NotFound(_) => {
                ApiError::NotFound(message)
            }
            AccountError::OAuth(_) => ApiError::BadRequest(message),
            AccountError::Field { field, message } => ApiError::Invalid { field, message },
            AccountError::Unavailable(_) => ApiError::NotReady(message),
        }
    }
}

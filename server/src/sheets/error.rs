//! The one error type of the sheet music layer, and how each kind reaches an HTTP client.

use pianorhythm_store::StoreError;

use pianorhythm_engine::policy::Denied;

use crate::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error(transparent)]
    Denied(#[from] Denied),
    /// Allowed for the sheet's uploader (and moderators) only.
    #[error("only its uploader or a moderator may change this sheet")]
    NotYours,
    #[error("no such {0}")]
    NotFound(&'static str),
    /// A field of the upload or search is wrong; the message is fit for the player.
    #[error("{message}")]
    Field {
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    Unavailable(String),
}

impl SheetError {
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        Self::Field {
            field,
            message: message.into(),
        }
    }
}

impl From<StoreError> for SheetError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict { what } => Self::field(what, format!("that {what} is taken")),
            StoreError::Invalid(message) => Self::field("form", message),
            StoreError::Unavailable(message) => Self::Unavailable(message),
        }
    }
}

impl From<SheetError> for ApiError {
    fn from(error: SheetError) -> Self {
        let message = error.to_string();
        match error {
            SheetError::Denied(denied) if denied.needs_sign_in() => ApiError::Unauthorized(message),
            SheetError::Denied(_) | SheetError::NotYours => ApiError::Forbidden(message),
            SheetError::NotFound(_) => ApiError::NotFound(message),
            SheetError::Field { field, message } => ApiError::Invalid { field, message },
            SheetError::Unavailable(_) => ApiError::NotReady(message),
        }
    }
}

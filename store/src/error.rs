//! The one error type of the storage layer. Backends map their drivers' errors into it, so
//! nothing above this layer ever sees SQLite or MongoDB.

use pianorhythm_core::validation::Invalid;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No such record, including ids that are malformed (they cannot name anything).
    #[error("no such {0}")]
    NotFound(&'static str),
    /// A unique field (usertag, email...) is already taken by another record.
    #[error("that {what} is already taken")]
    Conflict { what: &'static str },
    /// The input breaks a rule of the domain; the message is fit for the user.
    #[error("{0}")]
    Invalid(String),
    /// The backend cannot be reached or failed; worth retrying later, never the user's fault.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

impl From<Invalid> for StoreError {
    fn from(invalid: Invalid) -> Self {
        Self::Invalid(invalid.0)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

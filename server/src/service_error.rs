//! The one error type of the server's services (accounts and sheet music), and how the
//! errors of the layers below become one.
//!
//! Pages show [`ServiceError`]'s message as it is (a [`ServiceError::Field`] next to its
//! field); REST turns it into an [`ApiError`](crate::error::ApiError), which gives each kind
//! its status and stable code.

//!
//! Errors of the services' own parts convert beside their types (`accounts::oauth`,
//! `accounts::tokens`, `sheets::format`), so this module depends on no service.

use pianorhythm_engine::{policy::Denied, quotas::QuotaExceeded};
use pianorhythm_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No account is signed in (or no valid token came with the request).
    #[error("sign in first")]
    NotSignedIn,
    #[error("the access token is missing, expired or not ours")]
    InvalidToken,
    #[error("the refresh token is unknown, used or expired")]
    InvalidRefreshToken,
    #[error("the room ticket is expired or not ours; ask for a new one")]
    InvalidTicket,
    /// A room ticket shown by another player than the one it was issued to.
    #[error("this room ticket was issued to another player")]
    NotYourTicket,
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error("this account is banned from the site")]
    Banned,
    /// Allowed for the sheet's uploader (and moderators) only.
    #[error("only its uploader or a moderator may change this sheet")]
    NotYours,
    #[error("no sign-in provider {0:?} is configured")]
    UnknownProvider(String),
    /// Signing in with a provider failed, in words fit for the player.
    #[error("{0}")]
    SignIn(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    /// A field of a form, upload or search is wrong; the message is fit for the player.
    #[error("{message}")]
    Field {
        /// The form field to show the message next to.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The account used a quota up (sheets created an hour or a day).
    #[error(transparent)]
    Quota(#[from] QuotaExceeded),
    /// A limit of the player's was reached (e.g. reports); `retry_after` seconds from now
    /// it has room again.
    #[error("{message}")]
    TooMany {
        /// What was refused, fit for the player.
        message: String,
        /// Seconds until the allowance has room for one more.
        retry_after: u64,
    },
    /// A request the other side may repeat unchanged later; already done, it changes nothing.
    #[error("that {0} was handled already")]
    AlreadyDone(&'static str),
    /// The store (or the session store) failed. What it said went to the log where it
    /// happened (see [`ServiceError::unavailable`]); players get this plain sentence, never a
    /// driver's words.
    #[error("The service is busy; try again in a moment.")]
    Unavailable,
}

/// The longest participant or room id taken (ids are 24 characters; the Lobby's is a word).
const MAX_ID_CHARS: usize = 64;

/// An id from a form or a request, trimmed; anything that cannot be an id is an error of
/// `field`.
pub fn id_field(field: &'static str, id: &str) -> Result<String, ServiceError> {
    let id = id.trim();
    let fits = !id.is_empty()
        && id.chars().count() <= MAX_ID_CHARS
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    match fits {
        true => Ok(id.to_owned()),
        false => Err(ServiceError::field(field, "not an id")),
    }
}

impl ServiceError {
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        Self::Field {
            field,
            message: message.into(),
        }
    }

    /// A failure below the services: `detail` (a driver's words, a path) is logged here and
    /// goes no further.
    pub fn unavailable(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "a store failed");
        Self::Unavailable
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict { what: "report" } => Self::AlreadyDone("report"),
            StoreError::Conflict { what } => Self::field(what, format!("that {what} is taken")),
            StoreError::Invalid(message) => Self::field("form", message),
            StoreError::Unavailable(detail) => Self::unavailable(detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_short_words_never_patterns() {
        assert_eq!(id_field("roomId", " lobby ").ok(), Some("lobby".to_owned()));
        let long = "a".repeat(MAX_ID_CHARS + 1);
        for bad in ["", " ", ".*", "{\"$gt\": \"\"}", "a b", long.as_str()] {
            assert!(id_field("roomId", bad).is_err(), "{bad}");
        }
    }
}

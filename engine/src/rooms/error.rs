use pianorhythm_core::{protocol::ErrorCode, validation::Invalid};

use crate::limits::LimitError;

/// What a player is told when storage failed: the store's own words are for the log.
pub const UNAVAILABLE: &str = "The service is busy; try again in a moment.";

/// Why a room refused something; each maps to one protocol error code.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RoomError {
    #[error("no room with that name (or the password is wrong)")]
    RoomNotFound,
    #[error("the room is full")]
    RoomFull,
    #[error("wrong password")]
    WrongPassword,
    #[error("you are banned from this room for {seconds_left} more seconds")]
    Banned { seconds_left: u64 },
    #[error("{0}")]
    NotAllowed(&'static str),
    #[error("you are not in this room")]
    NotInRoom,
    #[error("a room with that name already exists")]
    NameTaken,
    #[error("no such player in this room")]
    PlayerNotFound,
    #[error("{0}")]
    RateLimited(&'static str),
    #[error("{0}")]
    Invalid(String),
    /// Storage failed or is backed up, or the other instances cannot be reached; nothing
    /// changed, and trying again later may work.
    #[error("{0}")]
    Unavailable(&'static str),
    /// The store failed, in its own words: for the log, never shown to a player as is.
    #[error("storage failed: {0}")]
    Storage(String),
    /// A player-level limit refused (see `limits`).
    #[error(transparent)]
    Limited(#[from] LimitError),
    /// Between a room and the joining connection only: the room has a password, this is its
    /// hash; the connection checks the password and asks again. Never shown to a player.
    #[error("a password is needed")]
    PasswordCheck { hash: String, private: bool },
}

impl From<Invalid> for RoomError {
    fn from(invalid: Invalid) -> Self {
        Self::Invalid(invalid.0)
    }
}

impl RoomError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::RoomNotFound => ErrorCode::RoomNotFound,
            Self::RoomFull => ErrorCode::RoomFull,
            Self::WrongPassword => ErrorCode::WrongPassword,
            Self::Banned { .. } => ErrorCode::Banned,
            Self::NotAllowed(_) => ErrorCode::NotAllowed,
            Self::NotInRoom => ErrorCode::NotInRoom,
            Self::NameTaken => ErrorCode::RoomNameTaken,
            Self::PlayerNotFound => ErrorCode::PlayerNotFound,
            Self::RateLimited(_) => ErrorCode::RateLimited,
            Self::Invalid(_) => ErrorCode::InvalidMessage,
            Self::Unavailable(_) | Self::Storage(_) => ErrorCode::Unspecified,
            Self::Limited(_) => ErrorCode::RateLimited,
            Self::PasswordCheck { .. } => ErrorCode::WrongPassword,
        }
    }

    /// The error as a frame for the player. A store's own words go to the log only.
    pub fn frame(&self) -> bytes::Bytes {
        let message = match self {
            Self::Storage(detail) => {
                tracing::error!(error = %detail, "a room's store failed");
                UNAVAILABLE.to_owned()
            }
            other => other.to_string(),
        };
        crate::frames::error(self.code(), message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_failure_reaches_the_player_in_plain_words_only() {
        let driver = "error returned from database: (code: 1) no such table: rooms";
        let frame = RoomError::Storage(driver.into()).frame();
        // Protobuf keeps strings as they are: the frame's bytes show what the player reads.
        let text = String::from_utf8_lossy(&frame);
        assert!(text.contains(UNAVAILABLE), "{text}");
        assert!(!text.contains("no such table"), "{text}");
        // Other refusals still say what they are.
        let full = String::from_utf8_lossy(&RoomError::RoomFull.frame()).into_owned();
        assert!(full.contains("the room is full"));
    }
}

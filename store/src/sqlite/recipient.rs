//! The member a direct message is for, with how they and the sender stand, in one statement:
//! the account, blocks either way and the friendship are read together rather than one
//! round trip to SQLite's workers each.

use pianorhythm_core::domain::{inbox::Recipient, user::usertag_key};
use sqlx::{sqlite::SqliteRow, Row};

use super::{unavailable, users::user_from_row, SqliteStore};
use crate::{StoreError, StoreResult};

impl SqliteStore {
    /// See [`crate::ports::MessageStore::recipient`].
    pub(super) async fn recipient_of(&self, sender: &str, usertag: &str) -> StoreResult<Recipient> {
        sqlx::query(
            "SELECT users.*,
                EXISTS (SELECT 1 FROM blocks WHERE owner_id = users.id AND player_id = ?1)
                    AS blocks_sender,
                EXISTS (SELECT 1 FROM blocks WHERE owner_id = ?1 AND player_id = users.id)
                    AS blocked_by_sender,
                EXISTS (SELECT 1 FROM friendships WHERE accepted = 1
                    AND ((low_id = users.id AND high_id = ?1)
                        OR (low_id = ?1 AND high_id = users.id)))
                    AS friend_of_sender
             FROM users WHERE usertag_key = ?2",
        )
        .bind(sender)
        .bind(usertag_key(usertag))
        .try_map(|row: SqliteRow| {
            let flag = |column: &str| Ok::<_, sqlx::Error>(row.try_get::<i64, _>(column)? == 1);
            Ok(Recipient {
                user: user_from_row(&row)?,
                blocks_sender: flag("blocks_sender")?,
                blocked_by_sender: flag("blocked_by_sender")?,
                friend_of_sender: flag("friend_of_sender")?,
            })
        })
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?
        .ok_or(StoreError::NotFound("user"))
    }
}

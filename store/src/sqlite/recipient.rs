//! The member a direct message is for, with how they and the sender stand: the account,
//! blocks either way and the friendship, read in one statement. Messages sent at once have
//! their recipients read together, in one statement for the group (see `grouped`).

use std::collections::HashMap;

use pianorhythm_core::domain::{inbox::Recipient, user::usertag_key};
use sqlx::{sqlite::SqliteRow, QueryBuilder, Row, Sqlite, SqlitePool};

use super::{
    grouped::{Answerer, Waiting},
    users::user_from_row,
};
use crate::StoreError;

/// Reads groups of recipients through the pool.
#[derive(Debug)]
pub(super) struct RecipientReader {
    /// Where the reads go, beside the store's others.
    pub pool: SqlitePool,
}

/// Who asks (the sender's account id) about whom (a usertag).
pub(super) struct Asked {
    pub sender: String,
    pub usertag: String,
}

impl Answerer for RecipientReader {
    type Ask = Asked;
    type Answer = Recipient;
    const MOST_AT_ONCE: usize = 64;

    /// Each request's recipient, or `NotFound` if no member has its usertag.
    async fn answer(&mut self, group: Vec<Waiting<Asked, Recipient>>) {
        let mut query =
            QueryBuilder::<Sqlite>::new("WITH asked (position, sender, usertag_key) AS (");
        query.push_values(group.iter().enumerate(), |mut row, (position, waiting)| {
            row.push_bind(position as i64)
                .push_bind(&waiting.ask.sender)
                .push_bind(usertag_key(&waiting.ask.usertag));
        });
        query.push(
            ") SELECT asked.position, users.*,
                EXISTS (SELECT 1 FROM blocks
                    WHERE owner_id = users.id AND player_id = asked.sender) AS blocks_sender,
                EXISTS (SELECT 1 FROM blocks
                    WHERE owner_id = asked.sender AND player_id = users.id) AS blocked_by_sender,
                EXISTS (SELECT 1 FROM friendships WHERE accepted = 1
                    AND ((low_id = users.id AND high_id = asked.sender)
                        OR (low_id = asked.sender AND high_id = users.id))) AS friend_of_sender
             FROM asked JOIN users ON users.usertag_key = asked.usertag_key",
        );
        let found = query
            .build()
            .try_map(|row: SqliteRow| {
                let position = row.try_get::<i64, _>("position")? as usize;
                Ok((position, recipient_from_row(&row)?))
            })
            .fetch_all(&self.pool)
            .await;
        match found {
            Ok(found) => {
                let mut found: HashMap<usize, Recipient> = found.into_iter().collect();
                for (position, waiting) in group.into_iter().enumerate() {
                    let recipient = found.remove(&position);
                    waiting.reply(recipient.ok_or(StoreError::NotFound("user")));
                }
            }
            Err(error) => {
                let error = error.to_string();
                for waiting in group {
                    waiting.reply(Err(StoreError::Unavailable(error.clone())));
                }
            }
        }
    }
}

fn recipient_from_row(row: &SqliteRow) -> Result<Recipient, sqlx::Error> {
    let flag = |column: &str| Ok::<_, sqlx::Error>(row.try_get::<i64, _>(column)? == 1);
    Ok(Recipient {
        user: user_from_row(row)?,
        blocks_sender: flag("blocks_sender")?,
        blocked_by_sender: flag("blocked_by_sender")?,
        friend_of_sender: flag("friend_of_sender")?,
    })
}

use async_trait::async_trait;
use pianorhythm_core::domain::{friend::Friendship, UnixMillis};
use sqlx::{sqlite::SqliteRow, Row};

use super::{unavailable, SqliteStore};
use crate::{ports::FriendStore, StoreError, StoreResult};

/// A pair's key: the lower id first, so both members find the one row.
fn pair<'a>(one: &'a str, other: &'a str) -> (&'a str, &'a str) {
    match one <= other {
        true => (one, other),
        false => (other, one),
    }
}

impl SqliteStore {
    async fn friendship(&self, one: &str, other: &str) -> StoreResult<Option<Friendship>> {
        let (low, high) = pair(one, other);
        sqlx::query("SELECT * FROM friendships WHERE low_id = ? AND high_id = ?")
            .bind(low)
            .bind(high)
            .try_map(friendship)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)
    }
}

#[async_trait]
impl FriendStore for SqliteStore {
    async fn request(&self, from: &str, to: &str, at: UnixMillis) -> StoreResult<Friendship> {
        let (low, high) = pair(from, to);
        // One statement: a request the other had made already becomes a friendship, whoever
        // comes second in a race.
        sqlx::query(
            "INSERT INTO friendships (low_id, high_id, requester, accepted, since)
             VALUES (?, ?, ?, 0, ?)
             ON CONFLICT (low_id, high_id) DO UPDATE SET accepted = 1, since = excluded.since
             WHERE friendships.accepted = 0 AND friendships.requester != excluded.requester",
        )
        .bind(low)
        .bind(high)
        .bind(from)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        self.friendship(from, to)
            .await?
            .ok_or(StoreError::NotFound("friendship"))
    }

    async fn accept(&self, me: &str, other: &str, at: UnixMillis) -> StoreResult<Friendship> {
        let (low, high) = pair(me, other);
        sqlx::query(
            "UPDATE friendships SET accepted = 1, since = ?
             WHERE low_id = ? AND high_id = ? AND requester = ? AND accepted = 0",
        )
        .bind(at)
        .bind(low)
        .bind(high)
        .bind(other)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        match self.friendship(me, other).await? {
            Some(friendship) if friendship.accepted || friendship.requester == other => {
                Ok(friendship)
            }
            _ => Err(StoreError::NotFound("friend request")),
        }
    }

    async fn remove(&self, one: &str, other: &str) -> StoreResult<bool> {
        let (low, high) = pair(one, other);
        let done = sqlx::query("DELETE FROM friendships WHERE low_id = ? AND high_id = ?")
            .bind(low)
            .bind(high)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn friendships(&self, member: &str) -> StoreResult<Vec<Friendship>> {
        sqlx::query(
            "SELECT * FROM friendships WHERE low_id = ? OR high_id = ?
             ORDER BY since DESC, low_id, high_id",
        )
        .bind(member)
        .bind(member)
        .try_map(friendship)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)
    }

    async fn seen(&self, member: &str, at: UnixMillis) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO last_seen (member_id, at) VALUES (?, ?)
             ON CONFLICT (member_id) DO UPDATE SET at = max(at, excluded.at)",
        )
        .bind(member)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn last_seen(&self, members: &[String]) -> StoreResult<Vec<(String, UnixMillis)>> {
        let members = serde_json::to_string(members)
            .map_err(|error| StoreError::Unavailable(error.to_string()))?;
        sqlx::query(
            "SELECT member_id, at FROM last_seen
             WHERE member_id IN (SELECT value FROM json_each(?))",
        )
        .bind(members)
        .try_map(|row: SqliteRow| Ok((row.try_get("member_id")?, row.try_get("at")?)))
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)
    }
}

fn friendship(row: SqliteRow) -> Result<Friendship, sqlx::Error> {
    let (low, high): (String, String) = (row.try_get("low_id")?, row.try_get("high_id")?);
    let requester: String = row.try_get("requester")?;
    let addressee = match requester == low {
        true => high,
        false => low,
    };
    Ok(Friendship {
        requester,
        addressee,
        accepted: row.try_get::<i64, _>("accepted")? == 1,
        since: row.try_get("since")?,
    })
}

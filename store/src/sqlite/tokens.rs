use async_trait::async_trait;
use pianorhythm_core::domain::{
    auth::{Redeemed, RefreshToken},
    UnixMillis,
};
use sqlx::{sqlite::SqliteRow, Row};

use super::{conflict_on, unavailable, SqliteStore};
use crate::{ports::RefreshTokens, StoreResult};

/// What a token is, without its state (`used`, `revoked`).
const COLUMNS: &str = "hash, family, user_id, expires_at, family_started_at";

#[async_trait]
impl RefreshTokens for SqliteStore {
    async fn insert(&self, token: &RefreshToken) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO refresh_tokens (hash, family, user_id, expires_at, family_started_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&token.hash)
        .bind(&token.family)
        .bind(&token.user_id)
        .bind(token.expires_at)
        .bind(token.family_started_at)
        .execute(&self.pool)
        .await
        .map_err(|error| conflict_on(error, &[("refresh_tokens.hash", "refresh token")]))?;
        Ok(())
    }

    async fn redeem(&self, hash: &str, now: UnixMillis) -> StoreResult<Redeemed> {
        // Using the token up is one conditional UPDATE: of two presenting it at once, only one
        // still finds it unused.
        let fresh = sqlx::query(&format!(
            "UPDATE refresh_tokens SET used = 1
             WHERE hash = ? AND used = 0 AND revoked = 0 AND expires_at > ? RETURNING {COLUMNS}"
        ))
        .bind(hash)
        .bind(now)
        .try_map(|row: SqliteRow| token_from_row(&row))
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        if let Some(token) = fresh {
            return Ok(Redeemed::Fresh(token));
        }
        // A used token presented again was copied: its whole family goes, in one statement
        // that only a used and still unrevoked token sets off (expired or not, since its
        // successors may still be live). Everything else is simply invalid.
        let family = sqlx::query(&format!(
            "UPDATE refresh_tokens SET revoked = 1 WHERE family =
                (SELECT family FROM refresh_tokens WHERE hash = ? AND used = 1 AND revoked = 0)
             RETURNING {COLUMNS}"
        ))
        .bind(hash)
        .try_map(|row: SqliteRow| token_from_row(&row))
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(family
            .into_iter()
            .find(|token| token.hash == hash)
            .map_or(Redeemed::Invalid, Redeemed::Reused))
    }

    async fn revoke_user(&self, user_id: &str) -> StoreResult<u64> {
        // Used tokens are revoked too, so presenting one after sign-out is invalid, not reuse;
        // each revoked token says whether it was used, which counts the live ones.
        let used: Vec<bool> = sqlx::query_scalar(
            "UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0
             RETURNING used",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(used.into_iter().filter(|used| !used).count() as u64)
    }

    async fn delete_expired(&self, now: UnixMillis) -> StoreResult<u64> {
        let deleted = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at <= ?")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(deleted.rows_affected())
    }
}

fn token_from_row(row: &SqliteRow) -> Result<RefreshToken, sqlx::Error> {
    Ok(RefreshToken {
        hash: row.try_get("hash")?,
        family: row.try_get("family")?,
        user_id: row.try_get("user_id")?,
        expires_at: row.try_get("expires_at")?,
        family_started_at: row.try_get("family_started_at")?,
    })
}

use async_trait::async_trait;
use pianorhythm_core::domain::block::Block;
use sqlx::{sqlite::SqliteRow, Row};

use super::{unavailable, SqliteStore};
use crate::{ports::BlockStore, StoreResult};

#[async_trait]
impl BlockStore for SqliteStore {
    async fn block(&self, owner_id: &str, block: &Block) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO blocks (owner_id, player_id, name, at) VALUES (?, ?, ?, ?)
             ON CONFLICT (owner_id, player_id) DO UPDATE SET name = excluded.name",
        )
        .bind(owner_id)
        .bind(&block.player_id)
        .bind(&block.name)
        .bind(block.at)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn unblock(&self, owner_id: &str, player_id: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM blocks WHERE owner_id = ? AND player_id = ?")
            .bind(owner_id)
            .bind(player_id)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn blocks(&self, owner_id: &str) -> StoreResult<Vec<Block>> {
        sqlx::query("SELECT * FROM blocks WHERE owner_id = ? ORDER BY at DESC, player_id")
            .bind(owner_id)
            .try_map(|row: SqliteRow| {
                Ok(Block {
                    player_id: row.try_get("player_id")?,
                    name: row.try_get("name")?,
                    at: row.try_get("at")?,
                })
            })
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)
    }
}

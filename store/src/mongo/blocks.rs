use async_trait::async_trait;
use futures_util::TryStreamExt;
use mongodb::{
    bson::{doc, DateTime},
    Collection,
};
use pianorhythm_core::domain::block::Block;
use serde::{Deserialize, Serialize};

use super::{unavailable, MongoStore};
use crate::{ports::BlockStore, StoreResult};

/// One player on one member's list; `_id` is `<owner>:<player>`, so a player is on a list
/// once at most, without a second unique index.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlockDocument {
    #[serde(rename = "_id")]
    id: String,
    owner_id: String,
    player_id: String,
    name: String,
    blocked_at: DateTime,
}

impl MongoStore {
    fn blocks(&self) -> Collection<BlockDocument> {
        self.database.collection("blocks")
    }

    /// Whether `owner_id` blocks `player_id`: one document read by its key.
    pub(super) async fn blocks_player(&self, owner_id: &str, player_id: &str) -> StoreResult<bool> {
        let found = self
            .blocks()
            .find_one(doc! { "_id": key(owner_id, player_id) })
            .await
            .map_err(unavailable)?;
        Ok(found.is_some())
    }
}

fn key(owner_id: &str, player_id: &str) -> String {
    format!("{owner_id}:{player_id}")
}

#[async_trait]
impl BlockStore for MongoStore {
    async fn block(&self, owner_id: &str, block: &Block) -> StoreResult<()> {
        self.blocks()
            .update_one(
                doc! { "_id": key(owner_id, &block.player_id) },
                doc! {
                    "$set": { "name": &block.name },
                    "$setOnInsert": {
                        "ownerId": owner_id,
                        "playerId": &block.player_id,
                        "blockedAt": DateTime::from_millis(block.at),
                    },
                },
            )
            .upsert(true)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn unblock(&self, owner_id: &str, player_id: &str) -> StoreResult<bool> {
        let done = self
            .blocks()
            .delete_one(doc! { "_id": key(owner_id, player_id) })
            .await
            .map_err(unavailable)?;
        Ok(done.deleted_count > 0)
    }

    async fn blocks(&self, owner_id: &str) -> StoreResult<Vec<Block>> {
        let documents: Vec<BlockDocument> = self
            .blocks()
            .find(doc! { "ownerId": owner_id })
            .sort(doc! { "blockedAt": -1, "playerId": 1 })
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        Ok(documents
            .into_iter()
            .map(|document| Block {
                player_id: document.player_id,
                name: document.name,
                at: document.blocked_at.timestamp_millis(),
            })
            .collect())
    }
}

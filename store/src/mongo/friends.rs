use async_trait::async_trait;
use futures_util::TryStreamExt;
use mongodb::{
    bson::{doc, DateTime},
    Collection,
};
use pianorhythm_core::domain::{friend::Friendship, UnixMillis};
use serde::{Deserialize, Serialize};

use super::{unavailable, MongoStore};
use crate::{ports::FriendStore, StoreError, StoreResult};

/// One pair of members; `_id` is `<lower id>:<higher id>`, so a pair has one record, which
/// each change updates atomically.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FriendshipDocument {
    #[serde(rename = "_id")]
    id: String,
    /// Both members, to find a member's pairs (indexed).
    members: Vec<String>,
    requester: String,
    addressee: String,
    accepted: bool,
    since: DateTime,
}

/// When a member was last connected; `_id` is the member's id.
#[derive(Serialize, Deserialize)]
struct LastSeenDocument {
    #[serde(rename = "_id")]
    member_id: String,
    at: DateTime,
}

impl MongoStore {
    fn friendships(&self) -> Collection<FriendshipDocument> {
        self.database.collection("friendships")
    }

    fn last_seen_records(&self) -> Collection<LastSeenDocument> {
        self.database.collection("last_seen")
    }

    pub(super) async fn friendship(
        &self,
        one: &str,
        other: &str,
    ) -> StoreResult<Option<Friendship>> {
        let document = self
            .friendships()
            .find_one(doc! { "_id": key(one, other) })
            .await
            .map_err(unavailable)?;
        Ok(document.map(FriendshipDocument::friendship))
    }
}

fn key(one: &str, other: &str) -> String {
    match one <= other {
        true => format!("{one}:{other}"),
        false => format!("{other}:{one}"),
    }
}

#[async_trait]
impl FriendStore for MongoStore {
    async fn request(&self, from: &str, to: &str, at: UnixMillis) -> StoreResult<Friendship> {
        let id = key(from, to);
        self.friendships()
            .update_one(
                doc! { "_id": &id },
                doc! { "$setOnInsert": {
                    "members": [from, to],
                    "requester": from,
                    "addressee": to,
                    "accepted": false,
                    "since": DateTime::from_millis(at),
                } },
            )
            .upsert(true)
            .await
            .map_err(unavailable)?;
        // The other had asked first: friends now (only an open request of theirs matches).
        self.friendships()
            .update_one(
                doc! { "_id": &id, "requester": to, "accepted": false },
                doc! { "$set": { "accepted": true, "since": DateTime::from_millis(at) } },
            )
            .await
            .map_err(unavailable)?;
        self.friendship(from, to)
            .await?
            .ok_or(StoreError::NotFound("friendship"))
    }

    async fn accept(&self, me: &str, other: &str, at: UnixMillis) -> StoreResult<Friendship> {
        self.friendships()
            .update_one(
                doc! { "_id": key(me, other), "requester": other, "accepted": false },
                doc! { "$set": { "accepted": true, "since": DateTime::from_millis(at) } },
            )
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
        let done = self
            .friendships()
            .delete_one(doc! { "_id": key(one, other) })
            .await
            .map_err(unavailable)?;
        Ok(done.deleted_count > 0)
    }

    async fn friendships(&self, member: &str) -> StoreResult<Vec<Friendship>> {
        let documents: Vec<FriendshipDocument> = self
            .friendships()
            .find(doc! { "members": member })
            .sort(doc! { "since": -1, "_id": 1 })
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        Ok(documents
            .into_iter()
            .map(FriendshipDocument::friendship)
            .collect())
    }

    async fn seen(&self, member: &str, at: UnixMillis) -> StoreResult<()> {
        self.last_seen_records()
            .update_one(
                doc! { "_id": member },
                doc! { "$max": { "at": DateTime::from_millis(at) } },
            )
            .upsert(true)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn last_seen(&self, members: &[String]) -> StoreResult<Vec<(String, UnixMillis)>> {
        let documents: Vec<LastSeenDocument> = self
            .last_seen_records()
            .find(doc! { "_id": { "$in": members } })
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        Ok(documents
            .into_iter()
            .map(|document| (document.member_id, document.at.timestamp_millis()))
            .collect())
    }
}

impl FriendshipDocument {
    fn friendship(self) -> Friendship {
        Friendship {
            requester: self.requester,
            addressee: self.addressee,
            accepted: self.accepted,
            since: self.since.timestamp_millis(),
        }
    }
}

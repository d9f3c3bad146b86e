use async_trait::async_trait;
use futures_util::TryStreamExt;
use mongodb::{bson::doc, Collection};
use pianorhythm_core::protocol::{ChatMessage, Participant};
use serde::{Deserialize, Serialize};

use super::{unavailable, MongoStore};
use crate::{ports::ChatStore, StoreResult};

/// One message; `_id` is the driver's ObjectId, which grows with insertion order.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChatDocument {
    room_id: String,
    message_id: String,
    sender: SenderDocument,
    text: String,
    time: f64,
}

#[derive(Serialize, Deserialize)]
struct SenderDocument {
    id: String,
    name: String,
    color: String,
}

impl MongoStore {
    fn chat_messages(&self) -> Collection<ChatDocument> {
        self.database.collection("chat_messages")
    }
}

#[async_trait]
impl ChatStore for MongoStore {
    async fn append(&self, room_id: &str, message: &ChatMessage) -> StoreResult<()> {
        let sender = message.sender.clone().unwrap_or_default();
        let document = ChatDocument {
            room_id: room_id.to_owned(),
            message_id: message.id.clone(),
            sender: SenderDocument {
                id: sender.id,
                name: sender.name,
                color: sender.color,
            },
            text: message.text.clone(),
            time: message.time,
        };
        self.chat_messages()
            .insert_one(document)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn delete(&self, room_id: &str, message_id: &str) -> StoreResult<()> {
        self.chat_messages()
            .delete_many(doc! { "roomId": room_id, "messageId": message_id })
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn recent(&self, room_id: &str, limit: u32) -> StoreResult<Vec<ChatMessage>> {
        let mut documents: Vec<ChatDocument> = self
            .chat_messages()
            .find(doc! { "roomId": room_id })
            .sort(doc! { "roomId": 1, "_id": -1 })
            .limit(i64::from(limit))
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        documents.reverse();
        Ok(documents
            .into_iter()
            .map(|document| ChatMessage {
                id: document.message_id,
                sender: Some(Participant {
                    id: document.sender.id,
                    name: document.sender.name,
                    color: document.sender.color,
                    ..Default::default()
                }),
                text: document.text,
                time: document.time,
            })
            .collect())
    }
}

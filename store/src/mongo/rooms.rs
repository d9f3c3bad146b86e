use async_trait::async_trait;
use futures_util::TryStreamExt;
use mongodb::{
    bson::{doc, DateTime, Document},
    Collection,
};
use pianorhythm_core::{
    domain::{
        match_key,
        room::{RoomBan, StoredRoom},
        room_settings::RoomSettings,
    },
    protocol::PlayPermission,
};
use serde::{Deserialize, Serialize};

use super::{corrupt, unavailable, MongoStore};
use crate::{ports::RoomStore, StoreError, StoreResult};

/// A room and its bans in one document, so saving it is one atomic write.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoomDocument {
    #[serde(rename = "_id")]
    id: String,
    name: String,
    name_lower: String,
    /// The seed's room type: "public" or "private".
    #[serde(rename = "type")]
    room_type: String,
    settings: SettingsDocument,
    owner_id: Option<String>,
    bans: Vec<BanDocument>,
    created_at: DateTime,
    updated_at: DateTime,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsDocument {
    password: Option<String>,
    max_players: u32,
    who_can_play: i32,
    chat_enabled: bool,
    welcome_message: String,
    note_rate: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BanDocument {
    participant_id: String,
    /// Absent on bans written before addresses were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address: Option<String>,
    /// Absent on bans written before browsers were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    browser: Option<String>,
    until_ms: f64,
}

impl MongoStore {
    fn rooms(&self) -> Collection<RoomDocument> {
        self.database.collection("rooms")
    }

    async fn room_where(&self, filter: Document) -> StoreResult<StoredRoom> {
        self.rooms()
            .find_one(filter)
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("room"))?
            .into_room()
    }
}

#[async_trait]
impl RoomStore for MongoStore {
    async fn save(&self, room: &StoredRoom) -> StoreResult<()> {
        let document = RoomDocument::from_room(room);
        self.rooms()
            .replace_one(doc! { "_id": &room.id }, &document)
            .upsert(true)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn get(&self, id: &str) -> StoreResult<StoredRoom> {
        self.room_where(doc! { "_id": id }).await
    }

    async fn by_name(&self, name: &str) -> StoreResult<StoredRoom> {
        self.room_where(doc! { "nameLower": match_key(name) }).await
    }

    async fn list(&self) -> StoreResult<Vec<StoredRoom>> {
        let documents: Vec<RoomDocument> = self
            .rooms()
            .find(doc! {})
            .sort(doc! { "createdAt": 1 })
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        documents.into_iter().map(RoomDocument::into_room).collect()
    }

    async fn delete(&self, id: &str) -> StoreResult<()> {
        self.rooms()
            .delete_one(doc! { "_id": id })
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

impl RoomDocument {
    fn from_room(room: &StoredRoom) -> Self {
        let settings = &room.settings;
        Self {
            id: room.id.clone(),
            name: settings.name.clone(),
            name_lower: room.name_key(),
            room_type: room.room_type().as_str().to_owned(),
            settings: SettingsDocument {
                password: settings.password.clone(),
                max_players: settings.max_players,
                who_can_play: settings.who_can_play as i32,
                chat_enabled: settings.chat_enabled,
                welcome_message: settings.welcome_message.clone(),
                note_rate: settings.note_rate,
            },
            owner_id: room.owner_id.clone(),
            bans: room
                .bans
                .iter()
                .map(|ban| BanDocument {
                    participant_id: ban.participant_id.clone(),
                    address: ban.address.map(|address| address.to_string()),
                    browser: ban.browser.clone(),
                    until_ms: ban.until_ms,
                })
                .collect(),
            created_at: DateTime::from_millis(room.created_at),
            updated_at: DateTime::from_millis(room.updated_at),
        }
    }

    fn into_room(self) -> StoreResult<StoredRoom> {
        let who_can_play = PlayPermission::try_from(self.settings.who_can_play)
            .map_err(|_| corrupt("play permission", &self.settings.who_can_play.to_string()))?;
        Ok(StoredRoom {
            id: self.id,
            settings: RoomSettings {
                name: self.name,
                private: self.room_type == "private",
                password: self.settings.password,
                max_players: self.settings.max_players,
                who_can_play,
                chat_enabled: self.settings.chat_enabled,
                welcome_message: self.settings.welcome_message,
                note_rate: self.settings.note_rate,
            },
            owner_id: self.owner_id,
            bans: self
                .bans
                .into_iter()
                .map(|ban| RoomBan {
                    participant_id: ban.participant_id,
                    address: ban.address.and_then(|text| text.parse().ok()),
                    browser: ban.browser,
                    until_ms: ban.until_ms,
                })
                .collect(),
            created_at: self.created_at.timestamp_millis(),
            updated_at: self.updated_at.timestamp_millis(),
        })
    }
}

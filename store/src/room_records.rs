//! The engine's [`RoomRecords`] over the store's ports: what rooms keep (their record, chat
//! and audit entries) goes to whichever backend is open.

use async_trait::async_trait;
use pianorhythm_core::{
    domain::{audit::AuditEntry, room::StoredRoom},
    protocol::ChatMessage,
};
use pianorhythm_engine::rooms::{RoomError, RoomRecords};

use super::{Store, StoreError};

impl From<StoreError> for RoomError {
    fn from(error: StoreError) -> Self {
        RoomError::Storage(error.to_string())
    }
}

#[async_trait]
impl RoomRecords for Store {
    async fn save_room(&self, room: &StoredRoom) -> Result<(), RoomError> {
        Ok(self.rooms.save(room).await?)
    }

    async fn load_room(&self, id: &str) -> Result<Option<StoredRoom>, RoomError> {
        match self.rooms.get(id).await {
            Ok(room) => Ok(Some(room)),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    async fn delete_room(&self, id: &str) -> Result<(), RoomError> {
        Ok(self.rooms.delete(id).await?)
    }

    async fn append_chat(&self, room_id: &str, message: &ChatMessage) -> Result<(), RoomError> {
        Ok(self.chat.append(room_id, message).await?)
    }

    async fn recent_chat(&self, room_id: &str, limit: u32) -> Result<Vec<ChatMessage>, RoomError> {
        Ok(self.chat.recent(room_id, limit).await?)
    }

    async fn delete_chat(&self, room_id: &str, message_id: &str) -> Result<(), RoomError> {
        Ok(self.chat.delete(room_id, message_id).await?)
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), RoomError> {
        Ok(self.audit.append(entry).await?)
    }
}

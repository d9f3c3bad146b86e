//! What rooms keep in the store, as the trait the engine owns: the room's record (settings,
//! owner, bans), its chat history and the audit log of what happened in it. The store crate
//! implements it over SQLite or MongoDB; [`MemoryRecords`] keeps them in memory, for tests and
//! for driving a room without a server.

use std::collections::HashMap;

use async_trait::async_trait;
use parking_lot::Mutex;
use pianorhythm_core::{
    domain::{audit::AuditEntry, room::StoredRoom},
    protocol::ChatMessage,
};

use super::RoomError;

/// Failures are [`RoomError::Storage`], with the store's words for the log.
#[async_trait]
pub trait RoomRecords: Send + Sync {
    /// Creates or replaces the room's record.
    async fn save_room(&self, room: &StoredRoom) -> Result<(), RoomError>;
    /// The room's record, `None` if it is not stored.
    async fn load_room(&self, id: &str) -> Result<Option<StoredRoom>, RoomError>;
    /// Removes the room's record; removing one that is gone already is not an error.
    async fn delete_room(&self, id: &str) -> Result<(), RoomError>;
    /// Appends a message to the room's history; durable when this returns.
    async fn append_chat(&self, room_id: &str, message: &ChatMessage) -> Result<(), RoomError>;
    /// The room's last `limit` messages, oldest first.
    async fn recent_chat(&self, room_id: &str, limit: u32) -> Result<Vec<ChatMessage>, RoomError>;
    /// Removes one message of the room; removing one that is gone is not an error.
    async fn delete_chat(&self, room_id: &str, message_id: &str) -> Result<(), RoomError>;
    /// Appends an entry to the audit log.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), RoomError>;
}

/// Rooms' records in memory, lost with the process.
#[derive(Debug, Default)]
pub struct MemoryRecords {
    /// Each stored room by id.
    rooms: Mutex<HashMap<String, StoredRoom>>,
    /// Each room's chat history, oldest first.
    chat: Mutex<HashMap<String, Vec<ChatMessage>>>,
    /// Every audit entry, oldest first.
    audit: Mutex<Vec<AuditEntry>>,
}

#[async_trait]
impl RoomRecords for MemoryRecords {
    async fn save_room(&self, room: &StoredRoom) -> Result<(), RoomError> {
        self.rooms.lock().insert(room.id.clone(), room.clone());
        Ok(())
    }

    async fn load_room(&self, id: &str) -> Result<Option<StoredRoom>, RoomError> {
        Ok(self.rooms.lock().get(id).cloned())
    }

    async fn delete_room(&self, id: &str) -> Result<(), RoomError> {
        self.rooms.lock().remove(id);
        Ok(())
    }

    async fn append_chat(&self, room_id: &str, message: &ChatMessage) -> Result<(), RoomError> {
        let mut chat = self.chat.lock();
        chat.entry(room_id.to_owned())
            .or_default()
            .push(message.clone());
        Ok(())
    }

    async fn recent_chat(&self, room_id: &str, limit: u32) -> Result<Vec<ChatMessage>, RoomError> {
        let chat = self.chat.lock();
        let history = chat.get(room_id).map(Vec::as_slice).unwrap_or_default();
        let start = history.len().saturating_sub(limit as usize);
        Ok(history[start..].to_vec())
    }

    async fn delete_chat(&self, room_id: &str, message_id: &str) -> Result<(), RoomError> {
        if let Some(history) = self.chat.lock().get_mut(room_id) {
            history.retain(|message| message.id != message_id);
        }
        Ok(())
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), RoomError> {
        self.audit.lock().push(entry.clone());
        Ok(())
    }
}

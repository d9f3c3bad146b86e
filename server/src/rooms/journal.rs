//! A room's writes to the store, made by a task of their own so the room's actor never waits
//! on storage: notes keep flowing while a write is in flight.
//!
//! Writes happen one at a time, in the order the room asked for them. Chat is the one write a
//! player is told about: a message is broadcast (its sender's echo is the acknowledgement) only
//! once it is stored, so a message anyone has seen survives a crash. Room state (settings,
//! owner, bans) and the audit log are written behind: a crash in the few milliseconds after a
//! change can lose that change, never reorder it.

use std::sync::Arc;

use pianorhythm_core::{
    domain::{audit::AuditEntry, room::StoredRoom},
    protocol::ChatMessage,
};
use tokio::sync::mpsc;

use super::RoomCommand;
use crate::store::Store;

enum Write {
    Chat(ChatMessage),
    Room(Box<StoredRoom>),
    Delete,
    Audit(AuditEntry),
}

/// The room's end of its writer task. Dropping it lets the task finish what is queued, then end.
pub struct Journal {
    writes: mpsc::UnboundedSender<Write>,
}

impl Journal {
    /// Starts the writer for room `room_id`; stored chat goes back to the room through `room`.
    /// The queue is unbounded, but what fills it is bounded: chat by every player's rate limit,
    /// the rest by owner actions.
    pub fn start(room_id: Arc<str>, store: Store, room: mpsc::WeakSender<RoomCommand>) -> Self {
        let (writes, queue) = mpsc::unbounded_channel();
        tokio::spawn(write_all(room_id, store, room, queue));
        Self { writes }
    }

    /// Stores the message, then hands it back to the room to broadcast
    /// ([`RoomCommand::ChatStored`]), or reports the failure ([`RoomCommand::ChatNotStored`]).
    pub fn chat(&self, message: ChatMessage) {
        self.send(Write::Chat(message));
    }

    pub fn save_room(&self, room: StoredRoom) {
        self.send(Write::Room(Box::new(room)));
    }

    pub fn delete_room(&self) {
        self.send(Write::Delete);
    }

    pub fn audit(&self, entry: AuditEntry) {
        self.send(Write::Audit(entry));
    }

    fn send(&self, write: Write) {
        // Fails only once the writer has ended, which it does only after this handle is gone.
        let _ = self.writes.send(write);
    }
}

async fn write_all(
    room_id: Arc<str>,
    store: Store,
    room: mpsc::WeakSender<RoomCommand>,
    mut queue: mpsc::UnboundedReceiver<Write>,
) {
    while let Some(write) = queue.recv().await {
        let (what, written) = match write {
            Write::Chat(message) => {
                let stored = store.chat.append(&room_id, &message).await;
                let reply = match &stored {
                    Ok(()) => RoomCommand::ChatStored { message },
                    Err(_) => RoomCommand::ChatNotStored { message },
                };
                if let Some(room) = room.upgrade() {
                    let _ = room.send(reply).await;
                }
                ("chat message", stored)
            }
            Write::Room(record) => ("room", store.rooms.save(&record).await),
            Write::Delete => ("room deletion", store.rooms.delete(&room_id).await),
            Write::Audit(entry) => ("audit entry", store.audit.append(&entry).await),
        };
        if let Err(error) = written {
            tracing::error!(room = %room_id, %error, "cannot store the {what}");
        }
    }
}

//! A room's writes to the store, made by a task of their own so the room's actor never waits
//! on storage: notes keep flowing while a write is in flight.
//!
//! Chat is the one write a player is told about: a message is broadcast (its sender's echo is
//! the acknowledgement) only once it is stored, so a message anyone has seen survives a crash.
//! Chat and audit entries wait in a bounded queue, written in order; when it is full the room
//! refuses the action ("busy") instead of growing without bound. The room's state (settings,
//! owner, bans) is not queued at all: only its latest version matters, so each change replaces
//! the one waiting, and a flood of settings changes costs one write at a time. A crash in the
//! moments after a change can lose that change, never reorder it.
//!
//! The writer ends once the room's handle is dropped and everything queued is written; the
//! server waits for every writer before it exits ([`JournalWriters`]).

use std::sync::Arc;

use parking_lot::Mutex;
use pianorhythm_core::{
    domain::{audit::AuditEntry, room::StoredRoom},
    protocol::ChatMessage,
};
use pianorhythm_store::{Store, StoreResult};
use tokio::sync::{mpsc, Notify};
use tokio_util::task::TaskTracker;

use super::RoomCommand;
use crate::metrics;

/// Chat messages and audit entries a room may have waiting to be written.
pub const JOURNAL_CAPACITY: usize = 256;

enum Write {
    Chat(ChatMessage),
    /// A message a moderator removed, by id; after its own `Chat` write in the queue.
    DeleteChat(String),
    Audit(AuditEntry),
}

/// The newest state of the room not yet written.
enum PendingState {
    Save(Box<StoredRoom>),
    Delete,
}

/// What the room and its writer share.
struct Shared {
    /// Replaced by each change; taken by the writer.
    pending: Mutex<Option<PendingState>>,
    /// Wakes the writer when `pending` is set.
    changed: Notify,
}

/// The writer tasks of every room, so shutdown can wait for what they still have to write.
#[derive(Clone, Default)]
pub struct JournalWriters(TaskTracker);

impl JournalWriters {
    /// Waits until every room's writer has written everything queued and ended.
    pub async fn flushed(&self) {
        self.0.close();
        self.0.wait().await;
    }
}

/// The room's end of its writer task. Dropping it lets the task finish what is queued, then end.
pub struct Journal {
    /// Chat and audit writes, in order, bounded.
    writes: mpsc::Sender<Write>,
    /// The room state waiting to be written, shared with the writer.
    shared: Arc<Shared>,
    /// For the two reads and one write a room makes while opening.
    store: Store,
    /// Whose writes these are, for the store and the logs.
    room_id: Arc<str>,
}

/// The room asked for more writes than the queue holds.
#[derive(Debug)]
pub struct Busy;

impl Journal {
    /// Starts the writer for room `room_id`; stored chat goes back to the room through `room`.
    pub fn start(
        room_id: Arc<str>,
        store: Store,
        room: mpsc::WeakSender<RoomCommand>,
        writers: &JournalWriters,
    ) -> Self {
        let (writes, queue) = mpsc::channel(JOURNAL_CAPACITY);
        let shared = Arc::new(Shared {
            pending: Mutex::new(None),
            changed: Notify::new(),
        });
        let writer = Writer {
            room_id: room_id.clone(),
            store: store.clone(),
            room,
            shared: shared.clone(),
        };
        writers.0.spawn(writer.run(queue));
        Self {
            writes,
            shared,
            store,
            room_id,
        }
    }

    /// Stores a new room at once, before it admits anyone, so creating it is durable.
    pub async fn save_now(&self, room: &StoredRoom) -> StoreResult<()> {
        self.store.rooms.save(room).await
    }

    /// The room's most recent chat, to show to players who join.
    pub async fn recent_chat(&self, limit: u32) -> StoreResult<Vec<ChatMessage>> {
        self.store.chat.recent(&self.room_id, limit).await
    }

    /// Whether `count` more chat or audit writes fit in the queue now.
    pub fn has_room_for(&self, count: usize) -> bool {
        self.writes.capacity() >= count
    }

    /// Stores the message, then hands it back to the room to broadcast
    /// ([`RoomCommand::ChatStored`]), or reports the failure ([`RoomCommand::ChatNotStored`]).
    pub fn chat(&self, message: ChatMessage) -> Result<(), Busy> {
        self.queue(Write::Chat(message))
    }

    /// Removes a stored message, in order after its own write.
    pub fn delete_chat(&self, message_id: String) -> Result<(), Busy> {
        self.queue(Write::DeleteChat(message_id))
    }

    /// Records a moderation action. Rooms check [`Journal::has_room_for`] before acting, so
    /// an action is never done without its entry.
    pub fn audit(&self, entry: AuditEntry) {
        if self.queue(Write::Audit(entry)).is_err() {
            tracing::error!(room = %self.room_id, "journal full: an audit entry was dropped");
        }
    }

    /// Queues a write for the writer, counted in the journal queue depth until it is taken.
    fn queue(&self, write: Write) -> Result<(), Busy> {
        self.writes.try_send(write).map_err(|_| Busy)?;
        metrics::instruments().journal_queue_depth.increment(1.0);
        Ok(())
    }

    /// Replaces the room state waiting to be written with this newer one.
    pub fn save_room(&self, room: StoredRoom) {
        self.set_pending(PendingState::Save(Box::new(room)));
    }

    pub fn delete_room(&self) {
        self.set_pending(PendingState::Delete);
    }

    fn set_pending(&self, state: PendingState) {
        *self.shared.pending.lock() = Some(state);
        self.shared.changed.notify_one();
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        // The writer also stops waiting for state changes once the queue has closed.
        self.shared.changed.notify_one();
    }
}

struct Writer {
    /// Whose writes these are.
    room_id: Arc<str>,
    /// Where they go.
    store: Store,
    /// Where stored chat goes back to be shown; weak, so the room can end.
    room: mpsc::WeakSender<RoomCommand>,
    /// The room state waiting to be written.
    shared: Arc<Shared>,
}

impl Writer {
    async fn run(self, mut queue: mpsc::Receiver<Write>) {
        loop {
            self.write_pending_state().await;
            tokio::select! {
                biased;
                write = queue.recv() => match write {
                    Some(write) => {
                        metrics::instruments().journal_queue_depth.decrement(1.0);
                        // A change the room made before asking for this write goes first, so
                        // an audit entry is never stored ahead of the state it records.
                        self.write_pending_state().await;
                        self.write(write).await;
                    }
                    None => break,
                },
                () = self.shared.changed.notified() => {}
            }
        }
        // The room has ended: whatever state it left last.
        self.write_pending_state().await;
    }

    async fn write_pending_state(&self) {
        let pending = self.shared.pending.lock().take();
        let (what, written) = match pending {
            None => return,
            Some(PendingState::Save(record)) => (
                "room",
                metrics::timed("room.save", self.store.rooms.save(&record)).await,
            ),
            Some(PendingState::Delete) => (
                "room deletion",
                metrics::timed("room.delete", self.store.rooms.delete(&self.room_id)).await,
            ),
        };
        self.report(what, written);
    }

    async fn write(&self, write: Write) {
        let (what, written) = match write {
            Write::Chat(message) => {
                let stored = metrics::timed(
                    "chat.append",
                    self.store.chat.append(&self.room_id, &message),
                )
                .await;
                let reply = match &stored {
                    Ok(()) => RoomCommand::ChatStored { message },
                    Err(_) => RoomCommand::ChatNotStored { message },
                };
                if let Some(room) = self.room.upgrade() {
                    let _ = room.send(reply).await;
                }
                ("chat message", stored)
            }
            Write::DeleteChat(message_id) => (
                "chat deletion",
                metrics::timed(
                    "chat.delete",
                    self.store.chat.delete(&self.room_id, &message_id),
                )
                .await,
            ),
            Write::Audit(entry) => (
                "audit entry",
                metrics::timed("audit.append", self.store.audit.append(&entry)).await,
            ),
        };
        self.report(what, written);
    }

    fn report(&self, what: &str, written: StoreResult<()>) {
        if let Err(error) = written {
            tracing::error!(room = %self.room_id, %error, "cannot store the {what}");
        }
    }
}

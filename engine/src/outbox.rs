//! A connection's bounded outbound queue.
//!
//! Rooms push already-encoded frames (`Bytes`, shared by every recipient) without ever waiting:
//! when a client cannot keep up and its queue fills, the push fails, the connection is flagged
//! as too slow and is closed. A slow client therefore costs a bounded amount of memory and never
//! delays the room or the other players.
//!
//! The queue also carries the server's request to close (on shutdown), so the connection's
//! loop watches a single channel: cheaper than polling a separate signal on every wake-up.
//!
//! A player connected to another instance has an outbox here too: its frames go into the
//! queue to that instance (a [`PeerLink`]), which hands them to the connection there.

use std::{
    fmt::Debug,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use bytes::Bytes;
use tokio::sync::{mpsc, Notify};

use crate::{blocks::BlockedPlayers, metrics};

/// Frames a connection may have waiting before it counts as too slow.
pub const OUTBOX_CAPACITY: usize = 1024;

/// What a connection is asked to send.
#[derive(Debug)]
pub enum Outgoing {
    Frame(Bytes),
    /// Say goodbye, with why, and close.
    Close(Goodbye),
    /// The connection's room may have moved to another instance: join it again there.
    Rejoin(Rejoin),
    /// The player's block list changed (on any instance): their rooms must know.
    Blocks(BlockedPlayers),
    /// The player asked (through the API) that their connections leave this room.
    Leave(Arc<str>),
    /// The player's profile (name, colour, avatar) changed elsewhere: another tab, the API,
    /// another instance. The connection reads it again, and its room shows it.
    ProfileChanged,
}

/// Which connections should join their room again, wherever it lives now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejoin {
    /// Those in a room held by this instance, which has gone.
    HeldBy(Arc<str>),
    /// Those in this room, held here until now: another instance holds it.
    Room(Arc<str>),
    /// Those in a room held elsewhere: this instance was cut off from the others for long
    /// enough to be taken for gone, and so taken out of their rooms.
    AnyRemote,
}

/// Why the server ends a connection it was asked to close.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goodbye {
    ServerRestarting,
    BannedFromSite,
    /// The player's roles changed: the client connects again and is told its new ones, so
    /// no connection keeps powers its player has lost.
    RolesChanged,
}

/// The queue to another instance, for frames to its connections.
pub trait PeerLink: Send + Sync + Debug {
    /// The instance it goes to.
    fn instance(&self) -> &Arc<str>;
    /// Queues a frame for one of its connections without waiting (dropped, and counted,
    /// when the queue is full).
    fn push_frame(&self, connection: u64, frame: Bytes);
}

/// The sending half, cloned into every room the connection is in.
#[derive(Clone, Debug)]
pub struct Outbox(Target);

#[derive(Clone, Debug)]
enum Target {
    /// A connection of this instance.
    Local {
        items: mpsc::Sender<Outgoing>,
        overflow: Arc<Overflow>,
    },
    /// A connection of another instance, reached through the queue to it.
    Remote {
        link: Arc<dyn PeerLink>,
        connection: u64,
    },
}

/// The receiving half, owned by the connection's task.
pub struct OutboxReceiver {
    pub items: mpsc::Receiver<Outgoing>,
    overflow: Arc<Overflow>,
}

#[derive(Debug, Default)]
struct Overflow {
    happened: AtomicBool,
    /// Wakes a connection stuck writing to its client, so it can give up at once.
    wake: Notify,
}

pub fn outbox(capacity: usize) -> (Outbox, OutboxReceiver) {
    let (items_tx, items_rx) = mpsc::channel(capacity);
    let overflow = Arc::new(Overflow::default());
    (
        Outbox(Target::Local {
            items: items_tx,
            overflow: overflow.clone(),
        }),
        OutboxReceiver {
            items: items_rx,
            overflow,
        },
    )
}

impl Outbox {
    /// The outbox of connection `connection` of the instance `link` goes to.
    pub fn remote(link: Arc<dyn PeerLink>, connection: u64) -> Self {
        Self(Target::Remote { link, connection })
    }

    /// The instance the connection is on, when it is not this one.
    pub fn instance(&self) -> Option<&str> {
        match &self.0 {
            Target::Local { .. } => None,
            Target::Remote { link, .. } => Some(&**link.instance()),
        }
    }

    /// Queues a frame without waiting. A full queue marks the connection too slow; a closed one
    /// (the connection has ended) is ignored: the room learns of that through its own message.
    pub fn push(&self, frame: Bytes) {
        match &self.0 {
            Target::Local { .. } => self.send(Outgoing::Frame(frame)),
            Target::Remote { link, connection } => link.push_frame(*connection, frame),
        }
    }

    /// Asks the connection to say goodbye and close (only this instance's connections are
    /// ever asked).
    pub fn close(&self, goodbye: Goodbye) {
        self.send(Outgoing::Close(goodbye));
    }

    /// Tells the connection its room may have moved.
    pub fn rejoin(&self, which: Rejoin) {
        self.send(Outgoing::Rejoin(which));
    }

    /// Tells the connection its player's block list changed.
    pub fn blocks(&self, blocked: BlockedPlayers) {
        self.send(Outgoing::Blocks(blocked));
    }

    /// Asks the connection to leave room `room_id` if it is in it.
    pub fn leave_room(&self, room_id: Arc<str>) {
        self.send(Outgoing::Leave(room_id));
    }

    /// Tells the connection its player's profile changed elsewhere.
    pub fn profile_changed(&self) {
        self.send(Outgoing::ProfileChanged);
    }

    fn send(&self, item: Outgoing) {
        let Target::Local { items, overflow } = &self.0 else {
            return;
        };
        if let Err(mpsc::error::TrySendError::Full(_)) = items.try_send(item) {
            if !overflow.happened.swap(true, Ordering::AcqRel) {
                metrics::instruments().outbox_overflows.increment(1);
            }
            overflow.wake.notify_one();
        }
    }
}

impl OutboxReceiver {
    /// Whether a push found the queue full: the client is too slow.
    pub fn overflowed(&self) -> bool {
        self.overflow.happened.load(Ordering::Acquire)
    }

    /// Resolves once the queue has overflowed.
    pub async fn wait_for_overflow(&self) {
        while !self.overflowed() {
            self.overflow.wake.notified().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(item: Option<Outgoing>) -> Bytes {
        match item {
            Some(Outgoing::Frame(frame)) => frame,
            other => panic!("expected a frame, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn overflow_is_flagged_not_waited_for() {
        let (outbox, mut receiver) = outbox(2);
        outbox.push(Bytes::from_static(b"a"));
        outbox.push(Bytes::from_static(b"b"));
        assert!(!receiver.overflowed());
        outbox.push(Bytes::from_static(b"c"));
        assert!(receiver.overflowed());
        receiver.wait_for_overflow().await;
        assert_eq!(frame(receiver.items.recv().await), "a");
        assert_eq!(frame(receiver.items.recv().await), "b");
    }

    #[tokio::test]
    async fn close_arrives_in_order_after_queued_frames() {
        let (outbox, mut receiver) = outbox(4);
        outbox.push(Bytes::from_static(b"a"));
        outbox.close(Goodbye::BannedFromSite);
        assert_eq!(frame(receiver.items.recv().await), "a");
        assert!(matches!(
            receiver.items.recv().await,
            Some(Outgoing::Close(Goodbye::BannedFromSite))
        ));
    }

    #[test]
    fn pushing_to_a_finished_connection_is_harmless() {
        let (outbox, receiver) = outbox(1);
        drop(receiver);
        outbox.push(Bytes::from_static(b"a"));
        outbox.close(Goodbye::ServerRestarting);
    }
}

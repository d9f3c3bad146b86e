//! A connection's bounded outbound queue.
//!
//! Rooms push already-encoded frames (`Bytes`, shared by every recipient) without ever waiting:
//! when a client cannot keep up and its queue fills, the push fails, the connection is flagged
//! as too slow and is closed. A slow client therefore costs a bounded amount of memory and never
//! delays the room or the other players.

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Frames a connection may have waiting before it counts as too slow.
pub const OUTBOX_CAPACITY: usize = 1024;

/// The sending half, cloned into every room the connection is in.
#[derive(Clone, Debug)]
pub struct Outbox {
    frames: mpsc::Sender<Bytes>,
    overflowed: CancellationToken,
}

/// The receiving half, owned by the connection's task.
pub struct OutboxReceiver {
    pub frames: mpsc::Receiver<Bytes>,
    pub overflowed: CancellationToken,
}

pub fn outbox(capacity: usize) -> (Outbox, OutboxReceiver) {
    let (frames_tx, frames_rx) = mpsc::channel(capacity);
    let overflowed = CancellationToken::new();
    (
        Outbox {
            frames: frames_tx,
            overflowed: overflowed.clone(),
        },
        OutboxReceiver {
            frames: frames_rx,
            overflowed,
        },
    )
}

impl Outbox {
    /// Queues a frame without waiting. A full queue marks the connection too slow; a closed one
    /// (the connection has ended) is ignored: the room learns of that through its own message.
    pub fn push(&self, frame: Bytes) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.frames.try_send(frame) {
            self.overflowed.cancel();
        }
    }

    /// Whether two handles lead to the same connection.
    pub fn same_connection(&self, other: &Outbox) -> bool {
        self.frames.same_channel(&other.frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn overflow_is_flagged_not_waited_for() {
        let (outbox, mut receiver) = outbox(2);
        outbox.push(Bytes::from_static(b"a"));
        outbox.push(Bytes::from_static(b"b"));
        assert!(!receiver.overflowed.is_cancelled());
        outbox.push(Bytes::from_static(b"c"));
        assert!(receiver.overflowed.is_cancelled());
        assert_eq!(receiver.frames.recv().await.unwrap(), "a");
        assert_eq!(receiver.frames.recv().await.unwrap(), "b");
    }

    #[test]
    fn pushing_to_a_finished_connection_is_harmless() {
        let (outbox, receiver) = outbox(1);
        drop(receiver);
        outbox.push(Bytes::from_static(b"a"));
    }
}

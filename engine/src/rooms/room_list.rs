//! The lobby's list of public rooms, pushed to the connections that show it.
//!
//! Only connections that ask ([`RoomListFeed::subscribe`], sent by the lobby page) receive it,
//! and at most once per `interval` however many rooms change meanwhile: the list is encoded
//! once per push and its bytes shared by every subscriber, so its cost grows with the
//! subscribers, not with rooms × connections × changes.

use std::{collections::HashMap, sync::Arc, time::Duration};

use bytes::Bytes;
use parking_lot::Mutex;
use pianorhythm_core::protocol::{self, server_message::Kind};

use super::{directory::Directory, ConnectionId, Origin};
use crate::{frames, outbox::Outbox, shutdown::Shutdown};

/// Most rooms one push carries: the busiest, which is what a lobby can show anyway.
pub const MAX_LISTED_ROOMS: usize = 200;

#[derive(Default)]
pub struct RoomListFeed {
    /// The last list and who receives the next.
    state: Mutex<FeedState>,
}

#[derive(Default)]
struct FeedState {
    /// The list as last encoded; `None` until the first push.
    frame: Option<Bytes>,
    /// The connections showing the list.
    subscribers: HashMap<ConnectionId, Outbox>,
}

impl RoomListFeed {
    /// Sends the list to this connection now and whenever it changes.
    pub fn subscribe(&self, directory: &Directory, origin: &Origin) {
        let mut state = self.state.lock();
        let frame = state.frame.get_or_insert_with(|| encode(directory)).clone();
        origin.outbox.push(frame);
        state
            .subscribers
            .insert(origin.connection, origin.outbox.clone());
    }

    pub fn unsubscribe(&self, connection: ConnectionId) {
        self.state.lock().subscribers.remove(&connection);
    }

    /// Publishes the list after each change, at most once per `interval`, until `shutdown`.
    pub async fn run(
        self: Arc<Self>,
        directory: Arc<Directory>,
        interval: Duration,
        shutdown: Shutdown,
    ) {
        loop {
            tokio::select! {
                () = directory.list_changed.notified() => {}
                () = shutdown.cancelled() => return,
            }
            self.push(encode(&directory));
            // Changes during the pause are gathered into the next push.
            tokio::time::sleep(interval).await;
        }
    }
}

impl RoomListFeed {
    fn push(&self, frame: Bytes) {
        let mut state = self.state.lock();
        for outbox in state.subscribers.values() {
            outbox.push(frame.clone());
        }
        state.frame = Some(frame);
    }
}

fn encode(directory: &Directory) -> Bytes {
    let rooms = directory
        .public_rooms()
        .into_iter()
        .take(MAX_LISTED_ROOMS)
        .collect();
    frames::encode(Kind::RoomList(protocol::RoomList { rooms }))
}

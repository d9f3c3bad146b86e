//! Every open WebSocket, so that shutdown can ask each to say goodbye.

use std::{collections::HashMap, sync::Arc};

use parking_lot::{Mutex, MutexGuard};

use crate::{outbox::Outbox, rooms::ConnectionId, shutdown::Shutdown};

pub struct LiveConnections {
    outboxes: Mutex<HashMap<ConnectionId, Outbox>>,
    shutdown: Shutdown,
}

impl LiveConnections {
    /// Creates the set and the task that closes every connection on shutdown.
    pub fn start(shutdown: Shutdown) -> Arc<Self> {
        let live = Arc::new(Self {
            outboxes: Mutex::default(),
            shutdown: shutdown.clone(),
        });
        tokio::spawn({
            let live = live.clone();
            async move {
                shutdown.cancelled().await;
                live.close_all();
            }
        });
        live
    }

    pub fn insert(&self, connection: ConnectionId, outbox: Outbox) {
        let mut outboxes = self.lock();
        // A connection that arrives after shutdown began (and after `close_all`) closes at once.
        if self.shutdown.is_cancelled() {
            outbox.close();
        }
        outboxes.insert(connection, outbox);
    }

    pub fn remove(&self, connection: ConnectionId) {
        self.lock().remove(&connection);
    }

    fn close_all(&self) {
        for outbox in self.lock().values() {
            outbox.close();
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ConnectionId, Outbox>> {
        self.outboxes.lock()
    }
}

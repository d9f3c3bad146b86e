//! Every open WebSocket and whose it is, so that shutdown can ask each to say goodbye, and a
//! site ban or a change of roles can end a player's connections at once, a new block
//! reaches their rooms, and a player can take all their connections out of a room.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use bytes::Bytes;
use parking_lot::{Mutex, MutexGuard};

use crate::{
    blocks::BlockedPlayers,
    outbox::{Goodbye, Outbox, Rejoin},
    rooms::{Cluster, ConnectionId},
    shutdown::Shutdown,
};

pub struct LiveConnections {
    /// Each connection's player id and outbox.
    outboxes: Mutex<HashMap<ConnectionId, (Arc<str>, Outbox)>>,
    /// Whether the server is stopping: a connection that arrives then is closed at once.
    shutdown: Shutdown,
    /// Where a site ban reaches the player's connections on the other instances.
    cluster: Arc<dyn Cluster>,
}

impl LiveConnections {
    /// Creates the set and the task that closes every connection on shutdown.
    pub fn start(shutdown: Shutdown, cluster: Arc<dyn Cluster>) -> Arc<Self> {
        let live = Arc::new(Self {
            outboxes: Mutex::default(),
            shutdown: shutdown.clone(),
            cluster,
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

    pub fn insert(&self, connection: ConnectionId, player: Arc<str>, outbox: Outbox) {
        let mut outboxes = self.lock();
        // A connection that arrives after shutdown began (and after `close_all`) closes at once.
        if self.shutdown.is_cancelled() {
            outbox.close(Goodbye::ServerRestarting);
        }
        outboxes.insert(connection, (player, outbox));
    }

    /// Ends every connection of a player, on every instance, saying why.
    pub fn close_player(&self, player: &str, why: Goodbye) {
        self.close_player_here(player, why);
        self.cluster.close_player_elsewhere(player, why);
    }

    /// Ends every connection of a player on this instance, saying why.
    pub fn close_player_here(&self, player: &str, why: Goodbye) {
        for (owner, outbox) in self.lock().values() {
            if &**owner == player {
                outbox.close(why);
            }
        }
    }

    /// Tells every connection of a player, on every instance, that their block list changed.
    pub fn set_blocks(&self, player: &str, blocked: &BlockedPlayers) {
        self.set_blocks_here(player, blocked);
        self.cluster.blocks_elsewhere(player, blocked);
    }

    /// Tells every connection of a player on this instance that their block list changed.
    pub fn set_blocks_here(&self, player: &str, blocked: &BlockedPlayers) {
        for (owner, outbox) in self.lock().values() {
            if &**owner == player {
                outbox.blocks(blocked.clone());
            }
        }
    }

    /// Asks every connection of a player, on every instance, to leave a room.
    pub fn leave_room(&self, player: &str, room_id: &str) {
        self.leave_room_here(player, room_id);
        self.cluster.leave_room_elsewhere(player, room_id);
    }

    /// Asks every connection of a player on this instance to leave a room.
    pub fn leave_room_here(&self, player: &str, room_id: &str) {
        let room_id: Arc<str> = room_id.into();
        for (owner, outbox) in self.lock().values() {
            if &**owner == player {
                outbox.leave_room(room_id.clone());
            }
        }
    }

    /// Sends a frame to every connection of these players, on every instance (a direct
    /// message, a friend's presence, a notification).
    pub fn tell_players(&self, players: &[String], frame: &Bytes) {
        if players.is_empty() {
            return;
        }
        self.tell_players_here(players, frame);
        self.cluster.tell_players_elsewhere(players, frame);
    }

    /// Sends a frame to every connection of these players on this instance.
    pub fn tell_players_here(&self, players: &[String], frame: &Bytes) {
        let players: HashSet<&str> = players.iter().map(String::as_str).collect();
        for (owner, outbox) in self.lock().values() {
            if players.contains(&**owner) {
                outbox.push(frame.clone());
            }
        }
    }

    /// Hands a frame from another instance to these connections (those still open).
    pub fn deliver(&self, connections: &[ConnectionId], frame: &Bytes) {
        let outboxes = self.lock();
        for connection in connections {
            if let Some((_, outbox)) = outboxes.get(connection) {
                outbox.push(frame.clone());
            }
        }
    }

    /// Sends a frame to every connection.
    pub fn tell_all(&self, frame: &Bytes) {
        for (_, outbox) in self.lock().values() {
            outbox.push(frame.clone());
        }
    }

    /// Tells every connection that rooms have moved, so those concerned join theirs again.
    pub fn rejoin(&self, which: &Rejoin) {
        for (_, outbox) in self.lock().values() {
            outbox.rejoin(which.clone());
        }
    }

    /// How many connections are open.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    pub fn remove(&self, connection: ConnectionId) {
        self.lock().remove(&connection);
    }

    fn close_all(&self) {
        for (_, outbox) in self.lock().values() {
            outbox.close(Goodbye::ServerRestarting);
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ConnectionId, (Arc<str>, Outbox)>> {
        self.outboxes.lock()
    }
}

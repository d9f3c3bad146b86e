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
    /// The connections, and who each belongs to.
    connections: Mutex<Connections>,
    /// Whether the server is stopping: a connection that arrives then is closed at once.
    shutdown: Shutdown,
    /// Where a site ban reaches the player's connections on the other instances.
    cluster: Arc<dyn Cluster>,
}

/// The open connections, found by id or by player: telling a player something (a direct
/// message, a friend's move) costs their own connections, not a scan of everyone's.
#[derive(Default)]
struct Connections {
    /// Each connection's player id and outbox.
    by_id: HashMap<ConnectionId, (Arc<str>, Outbox)>,
    /// Each player's open connections (one per tab).
    by_player: HashMap<Arc<str>, Vec<ConnectionId>>,
}

impl Connections {
    fn insert(&mut self, connection: ConnectionId, player: Arc<str>, outbox: Outbox) {
        if let Some((previous, _)) = self.by_id.insert(connection, (player.clone(), outbox)) {
            self.forget(connection, &previous);
        }
        self.by_player.entry(player).or_default().push(connection);
    }

    fn remove(&mut self, connection: ConnectionId) {
        if let Some((player, _)) = self.by_id.remove(&connection) {
            self.forget(connection, &player);
        }
    }

    /// Takes `connection` out of `player`'s list, and the list once it is empty.
    fn forget(&mut self, connection: ConnectionId, player: &str) {
        if let Some(connections) = self.by_player.get_mut(player) {
            connections.retain(|open| *open != connection);
            if connections.is_empty() {
                self.by_player.remove(player);
            }
        }
    }

    /// The outboxes of `player`'s connections.
    fn of(&self, player: &str) -> impl Iterator<Item = &Outbox> {
        self.by_player
            .get(player)
            .into_iter()
            .flatten()
            .filter_map(|connection| self.by_id.get(connection))
            .map(|(_, outbox)| outbox)
    }

    fn all(&self) -> impl Iterator<Item = &Outbox> {
        self.by_id.values().map(|(_, outbox)| outbox)
    }
}

impl LiveConnections {
    /// Creates the set and the task that closes every connection on shutdown.
    pub fn start(shutdown: Shutdown, cluster: Arc<dyn Cluster>) -> Arc<Self> {
        let live = Arc::new(Self {
            connections: Mutex::default(),
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
        let mut connections = self.lock();
        // A connection that arrives after shutdown began (and after `close_all`) closes at once.
        if self.shutdown.is_cancelled() {
            outbox.close(Goodbye::ServerRestarting);
        }
        connections.insert(connection, player, outbox);
    }

    /// Ends every connection of a player, on every instance, saying why.
    pub fn close_player(&self, player: &str, why: Goodbye) {
        self.close_player_here(player, why);
        self.cluster.close_player_elsewhere(player, why);
    }

    /// Ends every connection of a player on this instance, saying why.
    pub fn close_player_here(&self, player: &str, why: Goodbye) {
        for outbox in self.lock().of(player) {
            outbox.close(why);
        }
    }

    /// Tells every connection of a player, on every instance, that their block list changed.
    pub fn set_blocks(&self, player: &str, blocked: &BlockedPlayers) {
        self.set_blocks_here(player, blocked);
        self.cluster.blocks_elsewhere(player, blocked);
    }

    /// Tells every connection of a player on this instance that their block list changed.
    pub fn set_blocks_here(&self, player: &str, blocked: &BlockedPlayers) {
        for outbox in self.lock().of(player) {
            outbox.blocks(blocked.clone());
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
        for outbox in self.lock().of(player) {
            outbox.leave_room(room_id.clone());
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
        // A player named twice is told once.
        let players: HashSet<&str> = players.iter().map(String::as_str).collect();
        let connections = self.lock();
        for outbox in players
            .into_iter()
            .flat_map(|player| connections.of(player))
        {
            outbox.push(frame.clone());
        }
    }

    /// Hands a frame from another instance to these connections (those still open).
    pub fn deliver(&self, connections: &[ConnectionId], frame: &Bytes) {
        let open = self.lock();
        for connection in connections {
            if let Some((_, outbox)) = open.by_id.get(connection) {
                outbox.push(frame.clone());
            }
        }
    }

    /// Sends a frame to every connection.
    pub fn tell_all(&self, frame: &Bytes) {
        for outbox in self.lock().all() {
            outbox.push(frame.clone());
        }
    }

    /// Tells every connection that rooms have moved, so those concerned join theirs again.
    pub fn rejoin(&self, which: &Rejoin) {
        for outbox in self.lock().all() {
            outbox.rejoin(which.clone());
        }
    }

    /// How many connections are open.
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().by_id.is_empty()
    }

    pub fn remove(&self, connection: ConnectionId) {
        self.lock().remove(connection);
    }

    fn close_all(&self) {
        for outbox in self.lock().all() {
            outbox.close(Goodbye::ServerRestarting);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Connections> {
        self.connections.lock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        outbox::{outbox, OutboxReceiver, Outgoing},
        solo::Solo,
    };

    /// The frames queued for a connection so far.
    fn frames(receiver: &mut OutboxReceiver) -> Vec<Bytes> {
        let mut frames = Vec::new();
        while let Ok(item) = receiver.items.try_recv() {
            if let Outgoing::Frame(frame) = item {
                frames.push(frame);
            }
        }
        frames
    }

    #[tokio::test]
    async fn a_player_is_told_on_each_of_their_connections_and_no_one_else_is() {
        let live = LiveConnections::start(Shutdown::new(), Arc::new(Solo));
        let (ana_tab, mut ana_tab_queue) = outbox(8);
        let (ana_phone, mut ana_phone_queue) = outbox(8);
        let (bo, mut bo_queue) = outbox(8);
        live.insert(1, "ana".into(), ana_tab);
        live.insert(2, "ana".into(), ana_phone);
        live.insert(3, "bo".into(), bo);

        let ana = vec!["ana".to_owned(), "ana".to_owned()];
        live.tell_players_here(&ana, &Bytes::from_static(b"hi"));
        assert_eq!(frames(&mut ana_tab_queue), ["hi"]);
        assert_eq!(frames(&mut ana_phone_queue), ["hi"]);
        assert!(frames(&mut bo_queue).is_empty());

        live.remove(1);
        let both = vec!["ana".to_owned(), "bo".to_owned(), "cy".to_owned()];
        live.tell_players_here(&both, &Bytes::from_static(b"again"));
        assert!(frames(&mut ana_tab_queue).is_empty());
        assert_eq!(frames(&mut ana_phone_queue), ["again"]);
        assert_eq!(frames(&mut bo_queue), ["again"]);

        live.remove(2);
        assert_eq!(live.len(), 1);
        assert!(!live.lock().by_player.contains_key("ana"));
    }

    #[tokio::test]
    async fn a_connection_id_taken_again_belongs_to_its_new_player_only() {
        let live = LiveConnections::start(Shutdown::new(), Arc::new(Solo));
        let (first, _first_queue) = outbox(8);
        let (second, mut second_queue) = outbox(8);
        live.insert(7, "ana".into(), first);
        live.insert(7, "bo".into(), second);
        live.tell_players_here(&["ana".to_owned()], &Bytes::from_static(b"ana's"));
        live.tell_players_here(&["bo".to_owned()], &Bytes::from_static(b"bo's"));
        assert_eq!(frames(&mut second_queue), ["bo's"]);
        assert!(!live.lock().by_player.contains_key("ana"));
    }
}

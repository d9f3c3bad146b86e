//! Every open WebSocket and whose it is, so that shutdown can ask each to say goodbye, and a
//! site ban or a change of roles can end a player's connections at once, a new block
//! reaches their rooms, a changed profile reaches their other tabs, and a player can take all
//! their connections out of a room. It also keeps the friends of each player connected here,
//! whom each of their moves is told.

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
    /// The players with a connection here.
    by_player: HashMap<Arc<str>, PlayerHere>,
    /// Counts player records made and friend lists changed, so that a list read from the
    /// store is kept only if nothing changed it (nor made the record anew) since the read began.
    clock: u64,
}

/// A player with connections on this instance.
struct PlayerHere {
    /// Their open connections (one per tab).
    connections: Vec<ConnectionId>,
    /// Their friends, as last read, until told they changed: each of their moves is told to
    /// these, and a move is far more frequent than a change of friends.
    friends: Option<Arc<[String]>>,
    /// The clock when the record was made.
    since: u64,
    /// The clock when their friends last changed.
    changed: u64,
}

impl Connections {
    fn insert(&mut self, connection: ConnectionId, player: Arc<str>, outbox: Outbox) {
        if let Some((previous, _)) = self.by_id.insert(connection, (player.clone(), outbox)) {
            self.forget(connection, &previous);
        }
        let clock = &mut self.clock;
        let here = self.by_player.entry(player).or_insert_with(|| {
            *clock += 1;
            PlayerHere {
                connections: Vec::new(),
                friends: None,
                since: *clock,
                changed: 0,
            }
        });
        here.connections.push(connection);
    }

    fn remove(&mut self, connection: ConnectionId) {
        if let Some((player, _)) = self.by_id.remove(&connection) {
            self.forget(connection, &player);
        }
    }

    /// Takes `connection` out of `player`'s record, and the record once it has none.
    fn forget(&mut self, connection: ConnectionId, player: &str) {
        if let Some(here) = self.by_player.get_mut(player) {
            here.connections.retain(|open| *open != connection);
            if here.connections.is_empty() {
                self.by_player.remove(player);
            }
        }
    }

    /// The outboxes of `player`'s connections.
    fn of(&self, player: &str) -> impl Iterator<Item = &Outbox> {
        self.by_player
            .get(player)
            .into_iter()
            .flat_map(|here| &here.connections)
            .filter_map(|connection| self.by_id.get(connection))
            .map(|(_, outbox)| outbox)
    }

    fn all(&self) -> impl Iterator<Item = &Outbox> {
        self.by_id.values().map(|(_, outbox)| outbox)
    }
}

/// When a read of a player's friends began, for [`LiveConnections::keep_friends`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FriendsRead(u64);

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

    /// Tells every connection of a player, on every instance, that their profile changed,
    /// but `except` (the connection that changed it, which shows it already).
    pub fn profile_changed(&self, player: &str, except: Option<ConnectionId>) {
        self.profile_changed_here(player, except);
        self.cluster.profile_changed_elsewhere(player, except);
    }

    /// Tells every connection of a player on this instance, but `except`, that their profile
    /// changed.
    pub fn profile_changed_here(&self, player: &str, except: Option<ConnectionId>) {
        let connections = self.lock();
        let Some(here) = connections.by_player.get(player) else {
            return;
        };
        for connection in &here.connections {
            if Some(*connection) != except {
                if let Some((_, outbox)) = connections.by_id.get(connection) {
                    outbox.profile_changed();
                }
            }
        }
    }

    /// The friends kept for `player` (connected here), or, when none are kept, when a read
    /// of them from the store begins.
    pub fn friends_of(&self, player: &str) -> Result<Arc<[String]>, FriendsRead> {
        let connections = self.lock();
        match connections.by_player.get(player) {
            Some(PlayerHere {
                friends: Some(friends),
                ..
            }) => Ok(friends.clone()),
            _ => Err(FriendsRead(connections.clock)),
        }
    }

    /// Keeps `friends`, read from the store since `read`, for `player`: unless the player has
    /// no connection here, or their friends changed (or their record was made anew) since.
    pub fn keep_friends(&self, player: &str, read: FriendsRead, friends: Arc<[String]>) {
        if let Some(here) = self.lock().by_player.get_mut(player) {
            if here.since <= read.0 && here.changed <= read.0 {
                here.friends = Some(friends);
            }
        }
    }

    /// These players' friends changed: the lists kept of them, on every instance, go.
    pub fn friends_changed(&self, players: &[String]) {
        self.friends_changed_here(players);
        self.cluster.friends_changed_elsewhere(players);
    }

    /// These players' friends changed: the lists kept of them here go.
    pub fn friends_changed_here(&self, players: &[String]) {
        let mut connections = self.lock();
        connections.clock += 1;
        let now = connections.clock;
        for player in players {
            if let Some(here) = connections.by_player.get_mut(player.as_str()) {
                here.friends = None;
                here.changed = now;
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

    fn connected(live: &LiveConnections, connection: ConnectionId, player: &str) {
        live.insert(connection, player.into(), outbox(8).0);
    }

    fn friends(names: &[&str]) -> Arc<[String]> {
        names.iter().map(|name| name.to_string()).collect()
    }

    #[tokio::test]
    async fn friends_are_kept_for_players_connected_here_until_they_change() {
        let live = LiveConnections::start(Shutdown::new(), Arc::new(Solo));
        let read = live.friends_of("ana").unwrap_err();
        live.keep_friends("ana", read, friends(&["bo"]));
        assert!(
            live.friends_of("ana").is_err(),
            "ana has no connection here"
        );

        connected(&live, 1, "ana");
        let read = live.friends_of("ana").unwrap_err();
        live.keep_friends("ana", read, friends(&["bo"]));
        assert_eq!(live.friends_of("ana").unwrap(), friends(&["bo"]));
        // Someone else's change leaves Ana's list alone.
        live.friends_changed_here(&["cy".to_owned()]);
        assert_eq!(live.friends_of("ana").unwrap(), friends(&["bo"]));
        live.friends_changed_here(&["ana".to_owned(), "bo".to_owned()]);
        assert!(live.friends_of("ana").is_err());

        live.remove(1);
        assert!(live.friends_of("ana").is_err());
    }

    #[tokio::test]
    async fn a_read_begun_before_a_change_is_not_kept() {
        let live = LiveConnections::start(Shutdown::new(), Arc::new(Solo));
        connected(&live, 1, "ana");
        let stale = live.friends_of("ana").unwrap_err();
        live.friends_changed_here(&["ana".to_owned()]);
        live.keep_friends("ana", stale, friends(&["bo"]));
        assert!(live.friends_of("ana").is_err());

        // Nor one begun before the player's record was made anew.
        let stale = live.friends_of("ana").unwrap_err();
        live.remove(1);
        connected(&live, 2, "ana");
        live.keep_friends("ana", stale, friends(&["bo"]));
        assert!(live.friends_of("ana").is_err());

        let fresh = live.friends_of("ana").unwrap_err();
        live.friends_changed_here(&["cy".to_owned()]);
        live.keep_friends("ana", fresh, friends(&["bo", "cy"]));
        assert_eq!(live.friends_of("ana").unwrap(), friends(&["bo", "cy"]));
    }
}

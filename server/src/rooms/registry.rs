//! Finds rooms by name or id, creates and removes them, and publishes the lobby's room list.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use bytes::Bytes;
use pianorhythm_core::{
    domain::room::StoredRoom,
    protocol::{self, server_message::Kind},
    rooms::{RoomSummary, LOBBY_MAX_PLAYERS, LOBBY_ROOM_ID, LOBBY_ROOM_NAME},
};
use tokio::sync::{mpsc, Notify};

use super::{
    command::ROOM_INBOX_CAPACITY,
    journal::Journal,
    room::{Room, RoomKind},
    ConnectionId, Origin, RoomError, RoomHandle, RoomSettings,
};
use crate::{frames, shutdown::Shutdown, store::Store, ws::Outbox};

/// How rooms behave; tests shorten the timings.
#[derive(Clone, Debug)]
pub struct RoomsConfig {
    /// How long an empty user room lives on, so a player who reloads finds it again.
    pub empty_room_grace: Duration,
    /// Ban length when the owner names none.
    pub default_ban: Duration,
}

impl Default for RoomsConfig {
    fn default() -> Self {
        Self {
            empty_room_grace: Duration::from_secs(30),
            default_ban: Duration::from_secs(10 * 60),
        }
    }
}

/// Changes to the room list are gathered for this long, then published once.
const ROOM_LIST_COALESCE: Duration = Duration::from_millis(100);

pub struct Registry {
    rooms: Mutex<Rooms>,
    pub config: RoomsConfig,
    /// Where rooms keep their chat, state and audit entries.
    pub store: Store,
    room_list: Mutex<RoomList>,
    room_list_changed: Notify,
}

/// The encoded room list and the connections that receive it whenever it changes.
struct RoomList {
    frame: Bytes,
    subscribers: HashMap<ConnectionId, Outbox>,
}

#[derive(Default)]
struct Rooms {
    by_id: HashMap<Arc<str>, RoomHandle>,
    /// Lower-cased name to id: names are unique among live rooms, ignoring case.
    ids_by_name: HashMap<String, Arc<str>>,
    /// What the lobby shows of each room, with whether it is private (and so not shown).
    summaries: HashMap<Arc<str>, (RoomSummary, bool)>,
}

impl Registry {
    /// Creates the registry with the permanent Lobby, and the task that publishes the room list
    /// until `shutdown`.
    pub fn start(config: RoomsConfig, shutdown: Shutdown, store: Store) -> Arc<Self> {
        let registry = Arc::new(Self {
            rooms: Mutex::default(),
            config,
            store,
            room_list: Mutex::new(RoomList {
                frame: encode_room_list(Vec::new()),
                subscribers: HashMap::new(),
            }),
            room_list_changed: Notify::new(),
        });
        let lobby = RoomSettings::with_name(LOBBY_ROOM_NAME.to_owned(), LOBBY_MAX_PLAYERS);
        registry
            .spawn_room(LOBBY_ROOM_ID.into(), lobby, RoomKind::Permanent)
            .expect("the registry starts empty");
        tokio::spawn(publish_room_list(registry.clone(), shutdown));
        registry
    }

    fn lock(&self) -> MutexGuard<'_, Rooms> {
        lock(&self.rooms)
    }

    /// A room by id, or by name ignoring case.
    pub fn find(&self, name_or_id: &str) -> Option<RoomHandle> {
        let rooms = self.lock();
        let id = rooms
            .ids_by_name
            .get(&name_or_id.trim().to_lowercase())
            .map(Arc::clone)
            .unwrap_or_else(|| name_or_id.into());
        rooms.by_id.get(&id).cloned()
    }

    /// Creates a user room owned by `owner_id`.
    pub fn create(
        self: &Arc<Self>,
        settings: RoomSettings,
        owner_id: String,
    ) -> Result<RoomHandle, RoomError> {
        let id: Arc<str> = format!("{:016x}", rand::random::<u64>()).into();
        self.spawn_room(id, settings, RoomKind::Created { owner_id })
    }

    /// Brings back the rooms stored before a restart. Each waits, empty, for its players for
    /// the usual grace period, keeping its id, settings, owner and bans.
    pub fn restore(self: &Arc<Self>, rooms: Vec<StoredRoom>) {
        for room in rooms {
            let kind = RoomKind::Restored {
                owner_id: room.owner_id,
                bans: room.bans,
                created_at: room.created_at,
            };
            if let Err(error) = self.spawn_room(room.id.into(), room.settings, kind) {
                tracing::warn!(%error, "a stored room could not be restored");
            }
        }
    }

    fn spawn_room(
        self: &Arc<Self>,
        id: Arc<str>,
        settings: RoomSettings,
        kind: RoomKind,
    ) -> Result<RoomHandle, RoomError> {
        let mut rooms = self.lock();
        let key = settings.name.to_lowercase();
        if rooms.ids_by_name.contains_key(&key) {
            return Err(RoomError::NameTaken);
        }
        let (commands, inbox) = mpsc::channel(ROOM_INBOX_CAPACITY);
        let journal = Journal::start(id.clone(), self.store.clone(), commands.downgrade());
        let handle = RoomHandle::new(id.clone(), commands);
        rooms.ids_by_name.insert(key, id.clone());
        rooms.by_id.insert(id.clone(), handle.clone());
        let room = Room::new(id, settings, kind, self.clone(), journal);
        tokio::spawn(room.run(inbox));
        Ok(handle)
    }

    /// Moves a room to a new name, if no other live room has it.
    pub(super) fn rename(&self, id: &Arc<str>, old: &str, new: &str) -> Result<(), RoomError> {
        let mut rooms = self.lock();
        let (old_key, new_key) = (old.to_lowercase(), new.to_lowercase());
        if old_key == new_key {
            return Ok(());
        }
        if rooms.ids_by_name.contains_key(&new_key) {
            return Err(RoomError::NameTaken);
        }
        rooms.ids_by_name.remove(&old_key);
        rooms.ids_by_name.insert(new_key, id.clone());
        Ok(())
    }

    pub(super) fn remove(&self, id: &Arc<str>, name: &str) {
        let mut rooms = self.lock();
        rooms.by_id.remove(id);
        rooms.ids_by_name.remove(&name.to_lowercase());
        rooms.summaries.remove(id);
        drop(rooms);
        self.room_list_changed.notify_one();
    }

    /// Records what the lobby should show of a room.
    pub(super) fn publish(&self, id: &Arc<str>, summary: RoomSummary, private: bool) {
        let mut rooms = self.lock();
        let changed = rooms.summaries.get(id) != Some(&(summary.clone(), private));
        if changed {
            rooms.summaries.insert(id.clone(), (summary, private));
            drop(rooms);
            self.room_list_changed.notify_one();
        }
    }

    /// Public rooms: the Lobby first, then the busiest.
    pub fn public_rooms(&self) -> Vec<RoomSummary> {
        let mut rooms: Vec<RoomSummary> = self
            .lock()
            .summaries
            .values()
            .filter(|(_, private)| !private)
            .map(|(summary, _)| summary.clone())
            .collect();
        rooms.sort_by(|a, b| {
            (b.id == LOBBY_ROOM_ID)
                .cmp(&(a.id == LOBBY_ROOM_ID))
                .then(b.player_count.cmp(&a.player_count))
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        rooms
    }

    /// Sends the room list to this connection now and whenever it changes.
    pub fn subscribe_room_list(&self, origin: &Origin) {
        let mut list = lock(&self.room_list);
        origin.outbox.push(list.frame.clone());
        list.subscribers
            .insert(origin.connection, origin.outbox.clone());
    }

    pub fn unsubscribe_room_list(&self, connection: ConnectionId) {
        lock(&self.room_list).subscribers.remove(&connection);
    }
}

impl app::services::RoomDirectory for Registry {
    fn public_rooms(&self) -> Vec<RoomSummary> {
        Registry::public_rooms(self)
    }
}

async fn publish_room_list(registry: Arc<Registry>, shutdown: Shutdown) {
    loop {
        tokio::select! {
            () = registry.room_list_changed.notified() => {}
            () = shutdown.cancelled() => return,
        }
        tokio::time::sleep(ROOM_LIST_COALESCE).await;
        let frame = encode_room_list(registry.public_rooms());
        let mut list = lock(&registry.room_list);
        for outbox in list.subscribers.values() {
            outbox.push(frame.clone());
        }
        list.frame = frame;
    }
}

/// A panic elsewhere while holding one of these locks cannot leave its maps half-updated
/// (every update is a few inserts or removes), so a poisoned lock is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn encode_room_list(rooms: Vec<RoomSummary>) -> Bytes {
    let rooms = rooms
        .into_iter()
        .map(|room| protocol::RoomSummary {
            id: room.id,
            name: room.name,
            player_count: room.player_count,
            max_players: room.max_players,
            has_password: room.has_password,
            owner_name: room.owner.unwrap_or_default(),
        })
        .collect();
    frames::encode(Kind::RoomList(protocol::RoomList { rooms }))
}

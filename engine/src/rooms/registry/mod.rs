//! Creates, restores and finds rooms; keeps the lobby's room list flowing to its subscribers.
//!
//! A room lives on one instance, its home, and the others reach it through the [`Cluster`]:
//! finding a room not held here asks where it lives, creating one claims its name across
//! instances, and a room whose home has gone is adopted: brought back here from the store, as
//! a restart would. Alone ([`Solo`](crate::solo::Solo)), every room is here.

use std::{sync::Arc, time::Duration};

use pianorhythm_core::{
    domain::room::StoredRoom,
    rooms::{RoomSummary, LOBBY_MAX_PLAYERS, LOBBY_ROOM_ID, LOBBY_ROOM_NAME},
};
use tokio::sync::mpsc;

use super::{
    command::ROOM_INBOX_CAPACITY,
    directory::Directory,
    journal::{Journal, JournalWriters},
    password,
    room::{Room, RoomContext, RoomKind},
    room_list::RoomListFeed,
    Claim, Cluster, ConnectionId, Origin, RoomCommand, RoomError, RoomHandle, RoomRecords,
    RoomSettings, Whereabouts,
};
use crate::{
    ids,
    limits::{Player, PlayerLimits, RoomPermit},
    names,
    shutdown::Shutdown,
};

/// How rooms behave; tests shorten the timings.
#[derive(Clone, Debug)]
pub struct RoomsConfig {
    /// How long an empty user room lives on, so a player who reloads finds it again.
    pub empty_room_grace: Duration,
    /// Ban length when the owner names none.
    pub default_ban: Duration,
    /// Shortest time between two pushes of the room list.
    pub room_list_interval: Duration,
    /// Players the Lobby admits: every note played there is written to each of them, so the
    /// operator sizes it to the machine.
    pub lobby_max_players: u32,
}

impl Default for RoomsConfig {
    fn default() -> Self {
        Self {
            empty_room_grace: Duration::from_secs(30),
            default_ban: Duration::from_secs(10 * 60),
            room_list_interval: Duration::from_secs(1),
            lobby_max_players: LOBBY_MAX_PLAYERS,
        }
    }
}

pub struct Registry {
    /// The rooms this instance holds, and what the lobby shows of the others'.
    directory: Arc<Directory>,
    /// Those who show the room list, and the task that pushes it to them.
    room_list: Arc<RoomListFeed>,
    /// What every room is handed when it starts.
    context: RoomContext,
    /// Where rooms keep their chat, state and audit entries.
    store: Arc<dyn RoomRecords>,
    /// Every room's journal writer, so shutdown can wait for them.
    writers: JournalWriters,
    /// Where rooms live and how to reach the others.
    cluster: Arc<dyn Cluster>,
}

impl Registry {
    /// Creates the registry and the task that publishes the room list until `shutdown`. The
    /// Lobby and the stored rooms come with [`Registry::restore`].
    pub fn start(
        config: RoomsConfig,
        shutdown: Shutdown,
        store: Arc<dyn RoomRecords>,
        limits: Arc<PlayerLimits>,
        cluster: Arc<dyn Cluster>,
    ) -> Arc<Self> {
        let directory = Arc::new(Directory::default());
        let room_list = Arc::new(RoomListFeed::default());
        tokio::spawn(room_list.clone().run(
            directory.clone(),
            config.room_list_interval,
            shutdown.clone(),
        ));
        Arc::new(Self {
            context: RoomContext {
                directory: directory.clone(),
                config,
                limits,
                shutdown,
                cluster: cluster.clone(),
            },
            directory,
            room_list,
            store,
            writers: JournalWriters::default(),
            cluster,
        })
    }

    /// The player limits every room draws on.
    #[cfg(test)]
    fn context_limits(&self) -> &Arc<PlayerLimits> {
        &self.context.limits
    }

    /// A room by id, or by name (ignoring case and look-alike letters), wherever it lives.
    pub async fn find(&self, name_or_id: &str) -> Option<RoomHandle> {
        if let Some(room) = self.directory.find(name_or_id) {
            return Some(room);
        }
        let key = names::room_key(name_or_id.trim());
        let id = match self.cluster.room_named(&key).await {
            Ok(Some(id)) => id,
            Ok(None) => name_or_id.to_owned(),
            Err(_) => return None,
        };
        self.locate(&id).await
    }

    /// Ends this instance's copy of a room another instance holds now.
    pub async fn hand_over(&self, id: &str) {
        if let Some(room) = self.local(id) {
            let _ = room.send(RoomCommand::Moved).await;
        }
    }

    /// A room this instance holds, by id.
    pub fn local(&self, id: &str) -> Option<RoomHandle> {
        self.directory.find(id)
    }

    /// The room with this id wherever it lives; adopted here when its home has gone. A room
    /// with no home is not live (closed, or not shared again yet after Redis restarted).
    pub async fn locate(&self, id: &str) -> Option<RoomHandle> {
        if let Some(room) = self.directory.find(id) {
            return Some(room);
        }
        match self.cluster.whereabouts(id).await {
            Ok(Whereabouts::Elsewhere(room)) => Some(RoomHandle::remote(id.into(), room)),
            Ok(Whereabouts::Orphaned) => self.adopt(id).await,
            Ok(Whereabouts::Nowhere) | Err(_) => None,
        }
    }

    /// Takes a room whose home has gone (or that has none) and brings it back here from the
    /// store; the Lobby needs no record. `None` if it is not stored or lives on elsewhere.
    pub async fn adopt(&self, id: &str) -> Option<RoomHandle> {
        let stored = if id == LOBBY_ROOM_ID {
            None
        } else {
            match self.store.load_room(id).await {
                Ok(Some(room)) => Some(room),
                Ok(None) => {
                    // Gone from the store: it is not a live room anywhere any more.
                    self.cluster.forget(id).await;
                    return None;
                }
                Err(error) => {
                    tracing::warn!(room = id, %error, "cannot load a room to adopt");
                    return None;
                }
            }
        };
        match self.cluster.claim(id).await {
            Ok(Claim::Here) => {}
            Ok(Claim::Elsewhere(room)) => return Some(RoomHandle::remote(id.into(), room)),
            Err(_) => return None,
        }
        match stored {
            None => self.spawn_lobby(),
            Some(room) => self.restore_room(room).await,
        }
        tracing::info!(room = id, "room adopted");
        self.directory.find(id)
    }

    /// Creates a user room owned by `owner`, counted by `permit` against their live rooms.
    /// Its password, if any, must already be hashed.
    pub async fn create(
        &self,
        settings: RoomSettings,
        owner: &Player,
        permit: RoomPermit,
    ) -> Result<RoomHandle, RoomError> {
        let kind = RoomKind::Created {
            owner_id: owner.id.to_string(),
            permit,
        };
        let id: Arc<str> = ids::new_id().into();
        let unavailable =
            |_| RoomError::Unavailable("rooms cannot be created right now; try again");
        let key = names::room_key(&settings.name);
        // A new id is nobody's yet: the claim only tells the others it lives here.
        self.cluster.claim(&id).await.map_err(unavailable)?;
        let reserved = self.cluster.reserve_name(&key, &id).await;
        if !reserved.map_err(unavailable)? {
            let _ = self.cluster.release(&id, &key).await;
            return Err(RoomError::NameTaken);
        }
        self.spawn_room(id, settings, kind)
    }

    /// Reserves a room's new name across instances (before the room takes it).
    pub async fn reserve_name(&self, room_id: &str, name: &str) -> Result<(), RoomError> {
        match self
            .cluster
            .reserve_name(&names::room_key(name), room_id)
            .await
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(RoomError::NameTaken),
            Err(_) => Err(RoomError::Unavailable(
                "the room cannot be renamed right now",
            )),
        }
    }

    /// Brings back the Lobby and the rooms stored before a restart that no live instance
    /// holds. Each waits, empty, for its players for the usual grace period, keeping its id,
    /// settings, owner and bans.
    pub async fn restore(&self, rooms: Vec<StoredRoom>) {
        // Every room is claimed before any is opened, so the others see them all here at once.
        let ids = std::iter::once(LOBBY_ROOM_ID).chain(rooms.iter().map(|room| room.id.as_str()));
        let mut here = Vec::new();
        for id in ids {
            here.push(matches!(self.cluster.claim(id).await, Ok(Claim::Here)));
        }
        let mut here = here.into_iter();
        if here.next() == Some(true) {
            self.spawn_lobby();
        }
        for (room, here) in rooms.into_iter().zip(here) {
            if here {
                self.restore_room(room).await;
            }
        }
    }

    fn spawn_lobby(&self) {
        let capacity = self.context.config.lobby_max_players;
        let lobby = RoomSettings::with_name(LOBBY_ROOM_NAME.to_owned(), capacity);
        if let Err(error) = self.spawn_room(LOBBY_ROOM_ID.into(), lobby, RoomKind::Permanent) {
            tracing::warn!(%error, "the Lobby could not be opened");
        }
    }

    /// Brings back one stored room. Passwords stored in plain text by older versions are
    /// hashed on the way.
    async fn restore_room(&self, mut room: StoredRoom) {
        let plain = room
            .settings
            .password
            .take_if(|stored| !password::is_hash(stored));
        if let Some(plain) = plain {
            // Stored hashed at once, so the next start does not hash it again.
            room.settings.password = Some(password::hash(plain).await);
            if let Err(error) = self.store.save_room(&room).await {
                tracing::warn!(room = %room.id, %error, "cannot store a hashed room password");
            }
        }
        let kind = RoomKind::Restored {
            owner_id: room.owner_id,
            bans: room.bans,
            created_at: room.created_at,
        };
        if let Err(error) = self.spawn_room(room.id.into(), room.settings, kind) {
            tracing::warn!(%error, "a stored room could not be restored");
        }
    }

    /// Every room this instance holds.
    pub fn local_rooms(&self) -> Vec<RoomHandle> {
        self.directory.handles()
    }

    /// What the lobby shows of every room this instance holds, with its name key.
    pub fn local_listings(&self) -> Vec<(Arc<str>, RoomSummary, bool)> {
        self.directory.local_listings()
    }

    /// What the lobby shows of the rooms other instances hold.
    pub fn set_remote_listings(&self, rooms: Vec<(RoomSummary, bool)>) {
        self.directory.set_remote(rooms);
    }

    fn spawn_room(
        &self,
        id: Arc<str>,
        settings: RoomSettings,
        kind: RoomKind,
    ) -> Result<RoomHandle, RoomError> {
        let (commands, inbox) = mpsc::channel(ROOM_INBOX_CAPACITY);
        let handle = RoomHandle::new(id.clone(), commands.clone());
        self.directory.insert(&settings.name, handle.clone())?;
        let journal = Journal::start(
            id.clone(),
            self.store.clone(),
            commands.downgrade(),
            &self.writers,
        );
        let room = Room::new(id, settings, kind, self.context.clone(), journal);
        // Listed at once, so a page rendered right after start shows it.
        room.publish();
        tokio::spawn(room.run(inbox));
        Ok(handle)
    }

    /// Gives every room `from` owns to `to` (a guest who signed in, to their account).
    pub async fn transfer_ownership(&self, from: &str, to: &str) {
        for room in self.directory.handles() {
            let command = RoomCommand::TransferOwnership {
                from: from.to_owned(),
                to: to.to_owned(),
            };
            // A room that has just closed owns nothing any more.
            let _ = room.send(command).await;
        }
        let Ok(elsewhere) = self.cluster.rooms_elsewhere().await else {
            tracing::warn!("cannot pass rooms held elsewhere to the account");
            return;
        };
        for (id, room) in elsewhere {
            let room = RoomHandle::remote(id.into(), room);
            let command = RoomCommand::TransferOwnership {
                from: from.to_owned(),
                to: to.to_owned(),
            };
            let _ = room.send(command).await;
        }
    }

    /// Public rooms: the Lobby first, then the busiest.
    pub fn public_rooms(&self) -> Vec<RoomSummary> {
        self.directory.public_rooms()
    }

    /// A room held here as the room list shows it (a private one too), e.g. one just created.
    pub fn summary(&self, id: &str) -> Option<RoomSummary> {
        self.directory.summary(id)
    }

    /// How many rooms are live, and how many players are in them.
    pub fn totals(&self) -> (usize, u64) {
        self.directory.totals()
    }

    /// Sends the room list to this connection now and whenever it changes.
    pub fn subscribe_room_list(&self, origin: &Origin) {
        self.room_list.subscribe(&self.directory, origin);
    }

    pub fn unsubscribe_room_list(&self, connection: ConnectionId) {
        self.room_list.unsubscribe(connection);
    }

    /// Waits until every room has ended and its journal has written everything (after
    /// shutdown has begun).
    pub async fn flushed(&self) {
        self.writers.flushed().await;
    }
}

#[cfg(test)]
mod tests;

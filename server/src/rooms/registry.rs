//! Creates, restores and finds rooms; keeps the lobby's room list flowing to its subscribers.

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
    ConnectionId, Origin, RoomCommand, RoomError, RoomHandle, RoomSettings,
};
use crate::{
    limits::{Player, PlayerLimits, RoomPermit},
    shutdown::Shutdown,
    store::{ids, Store},
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
}

impl Default for RoomsConfig {
    fn default() -> Self {
        Self {
            empty_room_grace: Duration::from_secs(30),
            default_ban: Duration::from_secs(10 * 60),
            room_list_interval: Duration::from_secs(1),
        }
    }
}

pub struct Registry {
    directory: Arc<Directory>,
    room_list: Arc<RoomListFeed>,
    /// What every room is handed when it starts.
    context: RoomContext,
    /// Where rooms keep their chat, state and audit entries.
    store: Store,
    /// Every room's journal writer, so shutdown can wait for them.
    writers: JournalWriters,
}

impl Registry {
    /// Creates the registry with the permanent Lobby, and the task that publishes the room list
    /// until `shutdown`.
    pub fn start(
        config: RoomsConfig,
        shutdown: Shutdown,
        store: Store,
        limits: Arc<PlayerLimits>,
    ) -> Arc<Self> {
        let directory = Arc::new(Directory::default());
        let room_list = Arc::new(RoomListFeed::default());
        tokio::spawn(room_list.clone().run(
            directory.clone(),
            config.room_list_interval,
            shutdown.clone(),
        ));
        let registry = Arc::new(Self {
            context: RoomContext {
                directory: directory.clone(),
                config,
                limits,
                shutdown,
            },
            directory,
            room_list,
            store,
            writers: JournalWriters::default(),
        });
        let lobby = RoomSettings::with_name(LOBBY_ROOM_NAME.to_owned(), LOBBY_MAX_PLAYERS);
        registry
            .spawn_room(LOBBY_ROOM_ID.into(), lobby, RoomKind::Permanent)
            .expect("the registry starts empty");
        registry
    }

    /// A room by id, or by name (ignoring case and look-alike letters).
    pub fn find(&self, name_or_id: &str) -> Option<RoomHandle> {
        self.directory.find(name_or_id)
    }

    /// Creates a user room owned by `owner`, counted by `permit` against their live rooms.
    /// Its password, if any, must already be hashed.
    pub fn create(
        &self,
        settings: RoomSettings,
        owner: &Player,
        permit: RoomPermit,
    ) -> Result<RoomHandle, RoomError> {
        let kind = RoomKind::Created {
            owner_id: owner.id.to_string(),
            permit,
        };
        self.spawn_room(ids::new_id().into(), settings, kind)
    }

    /// Brings back the rooms stored before a restart. Each waits, empty, for its players for
    /// the usual grace period, keeping its id, settings, owner and bans. Passwords stored in
    /// plain text by older versions are hashed on the way.
    pub async fn restore(&self, rooms: Vec<StoredRoom>) {
        for mut room in rooms {
            let plain = room
                .settings
                .password
                .take_if(|stored| !password::is_hash(stored));
            if let Some(plain) = plain {
                // Stored hashed at once, so the next start does not hash it again.
                room.settings.password = Some(password::hash(plain).await);
                if let Err(error) = self.store.rooms.save(&room).await {
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
    }

    /// Public rooms: the Lobby first, then the busiest.
    pub fn public_rooms(&self) -> Vec<RoomSummary> {
        self.directory.public_rooms()
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

impl app::services::RoomDirectory for Registry {
    fn public_rooms(&self) -> Vec<RoomSummary> {
        Registry::public_rooms(self)
    }
}

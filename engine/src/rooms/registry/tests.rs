//! The registry's answers, alone ([`Solo`]) and with a cluster scripted to answer as other
//! instances would: where a room is found, when a name is taken, and which rooms are adopted.

use std::{net::Ipv4Addr, sync::Arc};

use async_trait::async_trait;
use parking_lot::Mutex;
use pianorhythm_core::{
    domain::room::StoredRoom,
    rooms::{LOBBY_MAX_PLAYERS, LOBBY_ROOM_ID, LOBBY_ROOM_NAME},
};

use crate::{
    limits::{LimitsConfig, Player, PlayerLimits},
    rooms::{
        Claim, Cluster, MemoryRecords, Registry, RemoteRoom, RoomCommand, RoomError, RoomRecords,
        RoomSettings, RoomsConfig, Whereabouts,
    },
    shutdown::Shutdown,
    solo::Solo,
};

/// A room another instance holds, which records what it was sent.
#[derive(Debug, Default)]
struct Elsewhere {
    /// The instance said to hold it.
    home: Arc<str>,
    /// How many commands reached it.
    sent: Mutex<usize>,
}

#[async_trait]
impl RemoteRoom for Elsewhere {
    fn home(&self) -> &Arc<str> {
        &self.home
    }

    async fn send(&self, _: &str, _: RoomCommand) -> Result<(), RoomError> {
        *self.sent.lock() += 1;
        Ok(())
    }
}

/// Other instances, as scripted: which room ids live elsewhere, which have lost their home,
/// which names are taken there; and what the registry released or forgot.
#[derive(Default)]
struct Scripted {
    /// Rooms a live instance holds.
    elsewhere: Vec<(String, Arc<Elsewhere>)>,
    /// Rooms whose home has gone.
    orphaned: Vec<String>,
    /// Name keys other instances' rooms have.
    names_taken: Vec<String>,
    /// The rooms let go of, by id.
    released: Mutex<Vec<String>>,
    /// The rooms forgotten for being gone from the store.
    forgotten: Mutex<Vec<String>>,
}

impl Scripted {
    fn held_elsewhere(&self, id: &str) -> Option<Arc<dyn RemoteRoom>> {
        let (_, room) = self.elsewhere.iter().find(|(held, _)| held == id)?;
        Some(room.clone())
    }
}

#[async_trait]
impl Cluster for Scripted {
    async fn claim(&self, room_id: &str) -> Result<Claim, RoomError> {
        Ok(match self.held_elsewhere(room_id) {
            Some(room) => Claim::Elsewhere(room),
            None => Claim::Here,
        })
    }

    async fn whereabouts(&self, room_id: &str) -> Result<Whereabouts, RoomError> {
        if let Some(room) = self.held_elsewhere(room_id) {
            return Ok(Whereabouts::Elsewhere(room));
        }
        Ok(match self.orphaned.iter().any(|id| id == room_id) {
            true => Whereabouts::Orphaned,
            false => Whereabouts::Nowhere,
        })
    }

    async fn room_named(&self, _: &str) -> Result<Option<String>, RoomError> {
        Ok(None)
    }

    async fn reserve_name(&self, name_key: &str, _: &str) -> Result<bool, RoomError> {
        Ok(!self.names_taken.iter().any(|taken| taken == name_key))
    }

    async fn release(&self, room_id: &str, _: &str) -> Result<(), RoomError> {
        self.released.lock().push(room_id.to_owned());
        Ok(())
    }

    async fn forget(&self, room_id: &str) {
        self.forgotten.lock().push(room_id.to_owned());
    }

    async fn rooms_elsewhere(&self) -> Result<Vec<(String, Arc<dyn RemoteRoom>)>, RoomError> {
        let rooms = self.elsewhere.iter();
        Ok(rooms
            .map(|(id, room)| (id.clone(), room.clone() as _))
            .collect())
    }

    fn close_player_elsewhere(&self, _: &str, _: crate::outbox::Goodbye) {}

    fn blocks_elsewhere(&self, _: &str, _: &crate::blocks::BlockedPlayers) {}

    fn leave_room_elsewhere(&self, _: &str, _: &str) {}

    fn tell_players_elsewhere(&self, _: &[String], _: &bytes::Bytes) {}

    fn friends_changed_elsewhere(&self, _: &[String]) {}

    fn profile_changed_elsewhere(&self, _: &str, _: Option<u64>) {}

    async fn reachable(&self) -> Result<(), String> {
        Ok(())
    }

    async fn depart(&self) -> Result<(), RoomError> {
        Ok(())
    }
}

fn registry(records: Arc<MemoryRecords>, cluster: Arc<dyn Cluster>) -> Arc<Registry> {
    registry_with(RoomsConfig::default(), records, cluster)
}

fn registry_with(
    config: RoomsConfig,
    records: Arc<MemoryRecords>,
    cluster: Arc<dyn Cluster>,
) -> Arc<Registry> {
    let limits = PlayerLimits::new(LimitsConfig::default(), Arc::new(Solo));
    Registry::start(config, Shutdown::new(), records, limits, cluster)
}

fn owner() -> Player {
    Player::new("owner", Ipv4Addr::LOCALHOST.into())
}

fn stored(id: &str, name: &str) -> StoredRoom {
    StoredRoom {
        id: id.to_owned(),
        settings: RoomSettings::with_name(name.to_owned(), 10),
        owner_id: Some("owner".into()),
        bans: Vec::new(),
        created_at: 0,
        updated_at: 0,
    }
}

async fn create(registry: &Registry, name: &str) -> Result<Arc<str>, RoomError> {
    let permit = registry.context_limits().create_room(&owner())?;
    let settings = RoomSettings::with_name(name.to_owned(), 10);
    let room = registry.create(settings, &owner(), permit).await?;
    Ok(room.id)
}

#[tokio::test]
async fn alone_every_room_is_here_and_found_by_its_look_alike_name() {
    let registry = registry(Arc::default(), Arc::new(Solo));
    registry
        .restore(vec![stored("0123456789abcdef01234567", "Jazz")])
        .await;
    assert!(registry.find(LOBBY_ROOM_NAME).await.is_some());
    let jazz = registry.find("JAZZ").await.expect("a restored room");
    assert_eq!(&*jazz.id, "0123456789abcdef01234567");
    assert_eq!(jazz.home(), None);
    let created = create(&registry, "Blues").await.unwrap();
    // "Bluеs" with a Cyrillic "е".
    assert_eq!(registry.find("Blu\u{435}s").await.unwrap().id, created);
    assert_eq!(create(&registry, "blues").await, Err(RoomError::NameTaken));
    assert!(registry.locate("unknown").await.is_none());
}

#[tokio::test]
async fn the_lobby_admits_as_many_players_as_the_operator_says() {
    let lobby_size = |registry: &Registry| registry.summary(LOBBY_ROOM_ID).unwrap().max_players;
    let usual = registry(Arc::default(), Arc::new(Solo));
    usual.restore(Vec::new()).await;
    assert_eq!(lobby_size(&usual), LOBBY_MAX_PLAYERS);
    let config = RoomsConfig {
        lobby_max_players: 250,
        ..RoomsConfig::default()
    };
    let bigger = registry_with(config, Arc::default(), Arc::new(Solo));
    bigger.restore(Vec::new()).await;
    assert_eq!(lobby_size(&bigger), 250);
}

#[tokio::test]
async fn a_name_another_instance_has_is_taken_and_the_claim_let_go() {
    let cluster = Arc::new(Scripted {
        names_taken: vec![crate::names::room_key("Blues")],
        ..Scripted::default()
    });
    let registry = registry(Arc::default(), cluster.clone());
    assert_eq!(create(&registry, "blues").await, Err(RoomError::NameTaken));
    assert_eq!(cluster.released.lock().len(), 1);
    assert!(registry.local_rooms().is_empty());
}

#[tokio::test]
async fn rooms_held_elsewhere_are_reached_and_orphans_adopted_from_the_store() {
    let held = Arc::new(Elsewhere {
        home: "b".into(),
        ..Elsewhere::default()
    });
    let cluster = Arc::new(Scripted {
        elsewhere: vec![("held-by-b".into(), held.clone())],
        orphaned: vec!["orphan".into(), "gone".into()],
        ..Scripted::default()
    });
    let records = Arc::new(MemoryRecords::default());
    records.save_room(&stored("orphan", "Waltz")).await.unwrap();
    let registry = registry(records, cluster.clone());

    // Restored only where this instance won the claim: not the room B holds.
    registry
        .restore(vec![
            stored("held-by-b", "Tango"),
            stored("orphan", "Waltz"),
        ])
        .await;
    let ids: Vec<_> = registry
        .local_rooms()
        .iter()
        .map(|room| room.id.to_string())
        .collect();
    assert!(ids.contains(&LOBBY_ROOM_ID.to_owned()) && ids.contains(&"orphan".to_owned()));
    assert!(!ids.contains(&"held-by-b".to_owned()));

    let remote = registry.locate("held-by-b").await.expect("reached on B");
    assert_eq!(remote.home().map(|home| &**home), Some("b"));
    registry.transfer_ownership("guest", "account").await;
    assert_eq!(*held.sent.lock(), 1, "the room on B is told too");

    // A room whose home has gone and that the store no longer has is forgotten, not adopted.
    assert!(registry.locate("gone").await.is_none());
    assert_eq!(*cluster.forgotten.lock(), ["gone"]);
}

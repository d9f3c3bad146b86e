//! The store wired into the server: the audit log, readiness, and running on MongoDB.

mod common;

use std::time::{Duration, Instant};

use common::TestServer;
use pianorhythm_core::{
    domain::audit::{AuditAction, AuditEntry},
    protocol::{
        client_message::Kind as Request, server_message::Kind, ChatSend, GiveCrown, KickPlayer,
        RoomSettingsUpdate, SetProfile,
    },
};
use pianorhythm_store::{Store, StoreConfig};
use pianorhythm_test_support::secantus::Secantus;
use tempfile::TempDir;

/// Audit entries are written behind; this is how long a test waits for them.
const AUDIT_WAIT: Duration = Duration::from_secs(5);

async fn audit_of(store: &Store, room_id: &str, count: usize) -> Vec<AuditEntry> {
    let deadline = Instant::now() + AUDIT_WAIT;
    loop {
        let entries = store.audit.recent(Some(room_id), 20).await.unwrap();
        if entries.len() >= count || Instant::now() > deadline {
            return entries;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_audit_log_records_room_creation_kicks_bans_and_crown_changes() {
    let server = TestServer::start().await;
    let (mut alice, alice_id) = server.player().await;
    let (mut bob, bob_id) = server.player().await;
    let room = alice
        .create_room(RoomSettingsUpdate {
            name: Some("Audited".into()),
            ..Default::default()
        })
        .await
        .room
        .unwrap();
    bob.join_room("Audited", None).await;
    bob.joined().await;
    alice
        .request(Request::Kick(KickPlayer {
            participant_id: bob_id.clone(),
        }))
        .await;
    bob.wait_for(|kind| matches!(kind, Kind::RoomLeft(_)).then_some(()))
        .await;
    bob.join_room("Audited", None).await;
    bob.joined().await;
    alice
        .request(Request::GiveCrown(GiveCrown {
            participant_id: bob_id.clone(),
        }))
        .await;
    bob.wait_for(|kind| match kind {
        Kind::RoomUpdated(update) => (update.room.unwrap().owner_id == bob_id).then_some(()),
        _ => None,
    })
    .await;
    bob.request(Request::Ban(pianorhythm_core::protocol::BanPlayer {
        participant_id: alice_id.clone(),
        duration_seconds: 60,
        site_wide: false,
    }))
    .await;
    alice
        .wait_for(|kind| matches!(kind, Kind::RoomLeft(_)).then_some(()))
        .await;

    // A second connection to the same embedded database reads what the server wrote.
    let config = StoreConfig::Embedded {
        data_dir: server.data.path().to_owned(),
    };
    let store = Store::open(&config).await.unwrap();
    let entries = audit_of(&store, &room.id, 4).await;
    let summary: Vec<_> = entries
        .iter()
        .map(|entry| {
            (
                entry.action,
                entry.actor_id.as_deref(),
                entry.target_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                AuditAction::PlayerBanned,
                Some(bob_id.as_str()),
                Some(alice_id.as_str())
            ),
            (
                AuditAction::CrownChanged,
                Some(alice_id.as_str()),
                Some(bob_id.as_str())
            ),
            (
                AuditAction::PlayerKicked,
                Some(alice_id.as_str()),
                Some(bob_id.as_str())
            ),
            (AuditAction::RoomCreated, Some(alice_id.as_str()), None),
        ]
    );
    assert_eq!(entries[0].details, "for 60 s");
    // The ban is part of the stored room too.
    let stored = store.rooms.get(&room.id).await.unwrap();
    assert_eq!(stored.owner_id.as_deref(), Some(bob_id.as_str()));
    // Against the player, their browser and, since a guest is only a cookie, their address.
    let [ban] = stored.bans.as_slice() else {
        panic!("one ban expected: {:?}", stored.bans)
    };
    assert_eq!(ban.participant_id, alice_id);
    assert_eq!(ban.address, Some("127.0.0.1".parse().unwrap()));
    assert_eq!(ban.browser.as_deref(), Some(alice_id.as_str()));
}

#[tokio::test]
async fn runs_on_mongodb_and_is_not_ready_once_the_database_is_gone() {
    let dir = TempDir::new().unwrap();
    let mongo = Secantus::start(&dir.path().join("mongo"));
    let uri = mongo.uri.clone();
    let server = TestServer::start_ready_with(|config| {
        config.store = StoreConfig::MongoDb {
            uri,
            database: "server".into(),
        };
    })
    .await;
    assert_eq!(server.get("/ready").await.status(), 200);

    let (mut player, _) = server.player().await;
    player.join_room("Lobby", None).await;
    player.joined().await;
    player
        .request(Request::Chat(ChatSend {
            text: "stored in MongoDB".into(),
        }))
        .await;
    player
        .wait_for(|kind| matches!(kind, Kind::Chat(_)).then_some(()))
        .await;

    drop(mongo);
    let response = server.get("/ready").await;
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "not_ready");
    // In words, without the driver's text.
    let error = body["error"].as_str().unwrap();
    assert!(
        ["the store is not usable", "the store does not answer"].contains(&error),
        "{error}"
    );
}

#[tokio::test]
async fn a_profile_change_that_cannot_be_saved_is_refused_and_shown_to_nobody() {
    let dir = TempDir::new().unwrap();
    let mongo = Secantus::start(&dir.path().join("mongo"));
    // Give up on a vanished database quickly rather than after the driver's 30 s.
    let uri = format!("{}&serverSelectionTimeoutMS=500", mongo.uri);
    let server = TestServer::start_ready_with(|config| {
        config.store = StoreConfig::MongoDb {
            uri,
            database: "server".into(),
        };
    })
    .await;
    let (mut player, _) = server.player().await;
    player.enter("Lobby").await;
    let (mut watcher, _) = server.player().await;
    watcher.enter("Lobby").await;
    player.drain().await;

    drop(mongo);
    player
        .request(Request::SetProfile(SetProfile {
            name: Some("Unsaved Ursula".into()),
            color: None,
            instrument: None,
        }))
        .await;
    let answer = player
        .wait_for(|kind| match kind {
            Kind::Error(error) => Some(Err(error.message)),
            Kind::ParticipantUpdated(_) => Some(Ok(())),
            _ => None,
        })
        .await;
    assert_eq!(
        answer,
        Err("your profile could not be saved; try again".to_owned())
    );
    let seen = watcher.drain().await;
    assert!(
        !seen
            .iter()
            .any(|kind| matches!(kind, Kind::ParticipantUpdated(_))),
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_password_stored_in_plain_text_is_hashed_once_on_restore() {
    use pianorhythm_core::domain::{room::StoredRoom, room_settings::RoomSettings};
    let data = TempDir::new().unwrap();
    let config = StoreConfig::Embedded {
        data_dir: data.path().to_owned(),
    };
    let store = Store::open(&config).await.unwrap();
    let mut settings = RoomSettings::with_name("Old Room".into(), 8);
    settings.password = Some("hunter2".into());
    let legacy = StoredRoom {
        id: "legacy-room".into(),
        settings,
        owner_id: Some("someone".into()),
        bans: Vec::new(),
        created_at: 0,
        updated_at: 0,
    };
    store.rooms.save(&legacy).await.unwrap();

    let server = TestServer::start_ready_with(|server_config| server_config.store = config).await;
    // Stored hashed, so the next start does not hash it again.
    let stored = store.rooms.get("legacy-room").await.unwrap();
    let hash = stored.settings.password.unwrap();
    assert!(hash.starts_with("$argon2"), "{hash}");
    assert!(!hash.contains("hunter2"));
    // And the password still opens the room.
    let (mut guest, _) = server.player().await;
    guest.join_room("Old Room", Some("hunter2")).await;
    guest.joined().await;
}

/// Words of the drivers and the store that must never reach a player.
const DRIVER_WORDS: [&str; 6] = [
    "sqlx",
    "sqlite",
    "mongodb",
    "error returned from database",
    "no such table",
    "server selection",
];

/// Fails if `text` carries any of the drivers' own words.
fn assert_plain(text: &str) {
    let lower = text.to_lowercase();
    for word in DRIVER_WORDS {
        assert!(!lower.contains(word), "{word:?} in {text:?}");
    }
}

/// A store failure behind a REST call: 503 with the stable code and a plain sentence.
async fn assert_store_failure_is_plain(server: &TestServer) {
    let response = server.get("/api/v1/users/someone").await;
    assert_eq!(response.status(), 503);
    let body = response.text().await.unwrap();
    assert_plain(&body);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "not_ready");
    assert_eq!(body["error"], "The service is busy; try again in a moment.");
}

#[tokio::test]
async fn a_failing_sqlite_store_tells_players_nothing_of_its_driver() {
    let server = TestServer::start().await;
    // The same file the server uses, through a connection of our own.
    let path = server.data.path().join("pianorhythm.sqlite3");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query("DROP TABLE room_bans")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DROP TABLE rooms")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DROP TABLE users")
        .execute(&pool)
        .await
        .unwrap();
    assert_store_failure_is_plain(&server).await;

    // Over the socket too: a room that cannot be stored is refused in plain words.
    let (mut player, _) = server.player().await;
    player
        .request(Request::Create(pianorhythm_core::protocol::CreateRoom {
            settings: Some(RoomSettingsUpdate {
                name: Some("Unstorable".into()),
                ..Default::default()
            }),
        }))
        .await;
    let message = player
        .wait_for(|kind| match kind {
            Kind::Error(error) => Some(error.message),
            Kind::RoomJoined(_) => panic!("a room that cannot be stored was opened"),
            _ => None,
        })
        .await;
    assert_plain(&message);
}

#[tokio::test]
async fn a_vanished_mongodb_tells_players_nothing_of_its_driver() {
    let dir = TempDir::new().unwrap();
    let mongo = Secantus::start(&dir.path().join("mongo"));
    // Give up on a vanished database quickly rather than after the driver's 30 s.
    let uri = format!("{}&serverSelectionTimeoutMS=500", mongo.uri);
    let server = TestServer::start_ready_with(|config| {
        config.store = StoreConfig::MongoDb {
            uri,
            database: "server".into(),
        };
    })
    .await;
    drop(mongo);
    assert_store_failure_is_plain(&server).await;
}

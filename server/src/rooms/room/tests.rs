//! The room's rules, exercised through [`Room::handle`] as connections use it.

use std::{sync::Arc, time::Duration};

use pianorhythm_core::protocol::{
    server_message::Kind, ErrorCode, NoteBatch, NoteEvent, NoteEventKind, Participant,
    RoomSettingsUpdate, ServerMessage,
};
use prost::Message as _;
use tempfile::TempDir;
use tokio::sync::{mpsc, oneshot};

use super::{Room, RoomContext, RoomKind};
use crate::{
    clock,
    limits::{LimitsConfig, Player, PlayerLimits},
    outbox::{outbox, OutboxReceiver, Outgoing},
    rooms::{
        directory::Directory,
        journal::{Journal, JournalWriters},
        Origin, PasswordChange, RoomCommand, RoomError, RoomSettings, RoomsConfig,
    },
    shutdown::Shutdown,
    store::{Store, StoreConfig},
};

struct Harness {
    room: Room,
    /// Keeps the room's store alive for the test.
    _data: TempDir,
}

async fn room_owned_by(owner: &str, settings: RoomSettings) -> Harness {
    let data = TempDir::new().unwrap();
    let store = Store::open(&StoreConfig::Embedded {
        data_dir: data.path().into(),
    })
    .await
    .unwrap();
    let (commands, _inbox) = mpsc::channel(16);
    let id: Arc<str> = "room".into();
    let journal = Journal::start(
        id.clone(),
        store,
        commands.downgrade(),
        &JournalWriters::default(),
    );
    let context = RoomContext {
        directory: Arc::new(Directory::default()),
        config: RoomsConfig::default(),
        limits: PlayerLimits::new(LimitsConfig::default()),
        shutdown: Shutdown::new(),
    };
    let kind = RoomKind::Restored {
        owner_id: Some(owner.to_owned()),
        bans: Vec::new(),
        created_at: 0,
    };
    Harness {
        room: Room::new(id, settings, kind, context, journal),
        _data: data,
    }
}

fn settings() -> RoomSettings {
    RoomSettings::with_name("Jazz".into(), 16)
}

struct Client {
    origin: Arc<Origin>,
    inbox: OutboxReceiver,
}

static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn client(id: &str, address: &str) -> Client {
    let (outbox, inbox) = outbox(4096);
    let origin = Arc::new(Origin {
        player: Player::new(id, address.parse().unwrap()),
        connection: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        outbox,
    });
    Client { origin, inbox }
}

impl Client {
    fn participant(&self) -> Participant {
        Participant {
            id: self.origin.participant_id().to_owned(),
            name: "Player".into(),
            color: "#336699".into(),
        }
    }

    fn messages(&mut self) -> Vec<Kind> {
        let mut kinds = Vec::new();
        while let Ok(Outgoing::Frame(frame)) = self.inbox.items.try_recv() {
            kinds.extend(ServerMessage::decode(frame).unwrap().kind);
        }
        kinds
    }
}

fn join(room: &mut Room, client: &Client, proof: Option<String>) -> Result<(), RoomError> {
    let (reply, mut answer) = oneshot::channel();
    room.handle(RoomCommand::Join {
        origin: client.origin.clone(),
        participant: client.participant(),
        proof,
        reply,
    });
    answer.try_recv().unwrap()
}

fn leave(room: &mut Room, client: &Client) {
    room.handle(RoomCommand::Leave {
        origin: client.origin.clone(),
    });
}

fn note_ons(count: u32) -> NoteBatch {
    NoteBatch {
        time: clock::now_ms(),
        events: (0..count)
            .map(|n| NoteEvent {
                kind: NoteEventKind::NoteOn as i32,
                key: 21 + n % 88,
                value: 100,
                offset_ms: 0,
            })
            .collect(),
    }
}

fn play(room: &mut Room, client: &Client, batch: NoteBatch) {
    room.handle(RoomCommand::Notes {
        origin: client.origin.clone(),
        batch,
    });
}

/// Note-ons relayed to `listener` since last asked.
fn notes_heard(listener: &mut Client) -> usize {
    listener
        .messages()
        .into_iter()
        .filter_map(|kind| match kind {
            Kind::Notes(relayed) => Some(relayed.batch.unwrap().events.len()),
            _ => None,
        })
        .sum()
}

#[tokio::test]
async fn leaving_and_rejoining_does_not_refill_the_note_quota() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let mut listener = client("listener", "10.0.0.9");
    join(room, &listener, None).unwrap();
    let player = client("player", "10.0.0.1");
    // The default quota: 100 notes/s, a 300-note burst.
    for _ in 0..20 {
        join(room, &player, None).unwrap();
        play(room, &player, note_ons(100));
        leave(room, &player);
    }
    let heard = notes_heard(&mut listener);
    assert!((300..=310).contains(&heard), "heard {heard} note-ons");
}

#[tokio::test]
async fn a_private_room_asks_for_its_password_without_saying_it_exists() {
    let mut settings = settings();
    settings.private = true;
    settings.password = Some("$argon2id$stand-in-hash".into());
    let mut harness = room_owned_by("owner", settings).await;
    let room = &mut harness.room;
    let guest = client("guest", "10.0.0.1");
    let refusal = join(room, &guest, None).unwrap_err();
    assert!(matches!(
        refusal,
        RoomError::PasswordCheck { private: true, .. }
    ));
    assert!(join(room, &guest, Some("$argon2id$other".into())).is_err());
    join(room, &guest, Some("$argon2id$stand-in-hash".into())).unwrap();
    // The owner needs no password.
    join(room, &client("owner", "10.0.0.2"), None).unwrap();
}

#[tokio::test]
async fn a_ban_holds_against_a_new_identity_from_the_same_address() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let owner = client("owner", "10.0.0.1");
    join(room, &owner, None).unwrap();
    let troll = client("troll", "10.0.0.66");
    join(room, &troll, None).unwrap();
    room.handle(RoomCommand::Ban {
        origin: owner.origin.clone(),
        target: "troll".into(),
        duration: Duration::from_secs(60),
    });
    let new_cookie = client("troll-again", "10.0.0.66");
    assert!(matches!(
        join(room, &new_cookie, None),
        Err(RoomError::Banned { .. })
    ));
    join(room, &client("someone", "10.0.0.7"), None).unwrap();
}

#[tokio::test]
async fn batches_stamped_far_from_server_time_are_relayed_as_now() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let mut listener = client("listener", "10.0.0.9");
    join(room, &listener, None).unwrap();
    let player = client("player", "10.0.0.1");
    join(room, &player, None).unwrap();
    listener.messages();
    let mut batch = note_ons(1);
    batch.time += 86_400_000.0;
    play(room, &player, batch);
    let stamped = listener
        .messages()
        .into_iter()
        .find_map(|kind| match kind {
            Kind::Notes(relayed) => relayed.batch.map(|batch| batch.time),
            _ => None,
        })
        .expect("relayed");
    assert!((stamped - clock::now_ms()).abs() < 1_000.0);
}

#[tokio::test]
async fn a_settings_flood_is_refused_past_the_owner_allowance() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let mut owner = client("owner", "10.0.0.1");
    join(room, &owner, None).unwrap();
    owner.messages();
    for n in 0..100 {
        room.handle(RoomCommand::UpdateSettings {
            origin: owner.origin.clone(),
            update: RoomSettingsUpdate {
                welcome_message: Some(format!("welcome {n}")),
                ..Default::default()
            },
            password: PasswordChange::Keep,
        });
    }
    let messages = owner.messages();
    let updates = messages
        .iter()
        .filter(|kind| matches!(kind, Kind::RoomUpdated(_)))
        .count();
    let refused = messages
        .iter()
        .filter(|kind| matches!(kind, Kind::Error(e) if e.code() == ErrorCode::RateLimited))
        .count();
    assert_eq!(updates, 20, "ten seconds' worth at two per second");
    assert_eq!(refused, 80);
}

#[tokio::test]
async fn chat_budget_survives_leaving_and_rejoining() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let mut chatter = client("chatter", "10.0.0.1");
    let mut accepted = 0;
    for n in 0..10 {
        join(room, &chatter, None).unwrap();
        chatter.messages();
        room.handle(RoomCommand::Chat {
            origin: chatter.origin.clone(),
            text: format!("hello {n}"),
        });
        let refused = chatter
            .messages()
            .iter()
            .any(|kind| matches!(kind, Kind::Error(_)));
        accepted += usize::from(!refused);
        leave(room, &chatter);
    }
    assert_eq!(accepted, 5, "the burst of five, not five per join");
}

//! The room's rules, exercised through [`Room::handle`](super::Room::handle) as connections use
//! it, in a [`Sandbox`].

use std::{sync::Arc, time::Duration};

use pianorhythm_core::{
    domain::user::Role,
    protocol::{
        server_message::Kind, ErrorCode, NoteBatch, NoteEvent, NoteEventKind, RoomSettingsUpdate,
    },
};

use crate::{
    blocks::BlockedPlayers,
    clock,
    limits::LimitsConfig,
    rooms::{
        password, sandbox::Sandbox, MemoryRecords, PasswordChange, RoomCommand, RoomError,
        RoomSettings,
    },
};

struct Harness {
    room: Sandbox,
}

async fn room_owned_by(owner: &str, settings: RoomSettings) -> Harness {
    let store = Arc::new(MemoryRecords::default());
    Harness {
        room: Sandbox::new(store, owner, settings, LimitsConfig::default()),
    }
}

fn settings() -> RoomSettings {
    RoomSettings::with_name("Jazz".into(), 16)
}

/// A connection of player `id` from `address`, joined to the room.
fn joined(room: &mut Sandbox, id: &str, address: &str) -> usize {
    let client = room.connect(id, address.parse().unwrap());
    room.join(client, None).unwrap();
    client
}

fn leave(room: &mut Sandbox, client: usize) {
    let origin = room.origin(client);
    room.handle(RoomCommand::Leave { origin });
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

fn play(room: &mut Sandbox, client: usize, batch: NoteBatch) {
    let origin = room.origin(client);
    room.handle(RoomCommand::Notes { origin, batch });
}

/// Note events relayed to `listener` since last asked.
fn notes_heard(room: &mut Sandbox, listener: usize) -> usize {
    room.received(listener)
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
    let listener = joined(room, "listener", "10.0.0.9");
    let player = room.connect("player", "10.0.0.1".parse().unwrap());
    // The default quota: 100 notes/s, a 300-note burst.
    for _ in 0..20 {
        room.join(player, None).unwrap();
        play(room, player, note_ons(100));
        leave(room, player);
    }
    let heard = notes_heard(room, listener);
    assert!((300..=310).contains(&heard), "heard {heard} note-ons");
}

#[tokio::test]
async fn a_private_room_asks_for_its_password_without_saying_it_exists() {
    let mut settings = settings();
    settings.private = true;
    settings.password = Some("$argon2id$stand-in-hash".into());
    let mut harness = room_owned_by("owner", settings).await;
    let room = &mut harness.room;
    let guest = room.connect("guest", "10.0.0.1".parse().unwrap());
    let refusal = room.join(guest, None).unwrap_err();
    assert!(matches!(
        refusal,
        RoomError::PasswordCheck { private: true, .. }
    ));
    assert!(room
        .join(guest, Some(password::proof_of("$argon2id$other")))
        .is_err());
    // The hash itself is no proof.
    assert!(room
        .join(guest, Some("$argon2id$stand-in-hash".into()))
        .is_err());
    room.join(guest, Some(password::proof_of("$argon2id$stand-in-hash")))
        .unwrap();
    // The owner needs no password.
    joined(room, "owner", "10.0.0.2");
}

#[tokio::test]
async fn checking_entry_asks_what_joining_asks_and_joins_no_one() {
    let mut settings = settings();
    settings.password = Some("$argon2id$stand-in-hash".into());
    settings.max_players = 2;
    let mut harness = room_owned_by("owner", settings).await;
    let room = &mut harness.room;
    let owner = joined(room, "owner", "10.0.0.1");
    let guest = room.connect("guest", "10.0.0.2".parse().unwrap());
    assert!(matches!(
        room.check(guest, None),
        Err(RoomError::PasswordCheck { .. })
    ));
    let proof = password::proof_of("$argon2id$stand-in-hash");
    room.check(guest, Some(proof.clone())).unwrap();
    assert!(room.received(guest).is_empty(), "a check sends nothing");
    // Checked, the guest is still not in: the room has a place for one more.
    let friend = room.connect("friend", "10.0.0.3".parse().unwrap());
    room.join(friend, Some(proof.clone())).unwrap();
    assert_eq!(
        room.check(guest, Some(proof.clone())),
        Err(RoomError::RoomFull)
    );
    // A player already in the room passes in another tab, full or not.
    assert_eq!(room.check(owner, None), Ok(()));
    kick(room, owner, "friend");
    room.join(guest, Some(proof.clone())).unwrap();
    room.handle(RoomCommand::Ban {
        origin: room.origin(owner),
        target: "guest".into(),
        duration: Duration::from_secs(60),
    });
    assert!(matches!(
        room.check(guest, Some(proof)),
        Err(RoomError::Banned { .. })
    ));
}

#[tokio::test]
async fn a_ban_holds_against_a_new_identity_from_the_same_address() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let owner = joined(room, "owner", "10.0.0.1");
    joined(room, "troll", "10.0.0.66");
    room.handle(RoomCommand::Ban {
        origin: room.origin(owner),
        target: "troll".into(),
        duration: Duration::from_secs(60),
    });
    let new_cookie = room.connect("troll-again", "10.0.0.66".parse().unwrap());
    assert!(matches!(
        room.join(new_cookie, None),
        Err(RoomError::Banned { .. })
    ));
    joined(room, "someone", "10.0.0.7");
    // The owner is not locked out of their own room by sharing the banned address.
    joined(room, "owner", "10.0.0.66");
}

#[tokio::test]
async fn batches_stamped_far_from_server_time_are_relayed_as_now() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let listener = joined(room, "listener", "10.0.0.9");
    let player = joined(room, "player", "10.0.0.1");
    room.received(listener);
    let mut batch = note_ons(1);
    batch.time += 86_400_000.0;
    play(room, player, batch);
    let stamped = room
        .received(listener)
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
    let owner = joined(room, "owner", "10.0.0.1");
    room.received(owner);
    for n in 0..100 {
        room.handle(RoomCommand::UpdateSettings {
            origin: room.origin(owner),
            update: RoomSettingsUpdate {
                welcome_message: Some(format!("welcome {n}")),
                ..Default::default()
            },
            password: PasswordChange::Keep,
        });
    }
    let messages = room.received(owner);
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
    let chatter = room.connect("chatter", "10.0.0.1".parse().unwrap());
    let mut accepted = 0;
    for n in 0..10 {
        room.join(chatter, None).unwrap();
        room.received(chatter);
        room.handle(RoomCommand::Chat {
            origin: room.origin(chatter),
            text: format!("hello {n}"),
            taken: None,
        });
        let refused = room
            .received(chatter)
            .iter()
            .any(|kind| matches!(kind, Kind::Error(_)));
        accepted += usize::from(!refused);
        leave(room, chatter);
    }
    assert_eq!(accepted, 5, "the burst of five, not five per join");
}

/// A connection of player `id` with `role`, joined to the room.
fn joined_as(room: &mut Sandbox, id: &str, address: &str, role: Role) -> usize {
    let client = room.connect_as(id, address.parse().unwrap(), role);
    room.join(client, None).unwrap();
    client
}

fn kick(room: &mut Sandbox, by: usize, target: &str) {
    let origin = room.origin(by);
    room.handle(RoomCommand::Kick {
        origin,
        target: target.into(),
    });
}

/// The codes of the errors `client` was sent since last asked.
fn errors(room: &mut Sandbox, client: usize) -> Vec<ErrorCode> {
    room.received(client)
        .into_iter()
        .filter_map(|kind| match kind {
            Kind::Error(error) => Some(error.code()),
            _ => None,
        })
        .collect()
}

fn left(room: &mut Sandbox, client: usize) -> bool {
    room.received(client)
        .into_iter()
        .any(|kind| matches!(kind, Kind::RoomLeft(_)))
}

#[tokio::test]
async fn moderators_moderate_rooms_they_do_not_own_and_members_cannot() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    joined_as(room, "owner", "10.0.0.1", Role::Member);
    let pro = joined_as(room, "pro", "10.0.0.2", Role::Pro);
    let moderator = joined_as(room, "mod", "10.0.0.3", Role::Moderator);
    let target = joined(room, "target", "10.0.0.4");
    room.received(target);

    kick(room, pro, "target");
    assert_eq!(errors(room, pro), [ErrorCode::NotAllowed]);
    assert!(!left(room, target));
    kick(room, moderator, "target");
    assert!(errors(room, moderator).is_empty());
    assert!(
        left(room, target),
        "a moderator kicks in a room they do not own"
    );
    // Settings stay the owner's.
    let origin = room.origin(moderator);
    room.handle(RoomCommand::UpdateSettings {
        origin,
        update: RoomSettingsUpdate::default(),
        password: PasswordChange::Keep,
    });
    assert_eq!(errors(room, moderator), [ErrorCode::NotAllowed]);
}

#[tokio::test]
async fn staff_answer_only_to_those_above_them() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let owner = joined_as(room, "owner", "10.0.0.1", Role::Member);
    let moderator = joined_as(room, "mod", "10.0.0.2", Role::Moderator);
    let other_moderator = joined_as(room, "mod2", "10.0.0.3", Role::Moderator);
    let admin = joined_as(room, "admin", "10.0.0.4", Role::Admin);
    kick(room, owner, "mod");
    kick(room, other_moderator, "mod");
    kick(room, moderator, "admin");
    for client in [owner, other_moderator, moderator] {
        assert_eq!(errors(room, client), [ErrorCode::NotAllowed]);
    }
    kick(room, admin, "mod");
    assert!(left(room, moderator));
}

#[tokio::test]
async fn a_muted_player_cannot_chat_here_until_the_mute_ends() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let owner = joined(room, "owner", "10.0.0.1");
    let chatter = joined(room, "chatter", "10.0.0.2");
    let origin = room.origin(owner);
    room.handle(RoomCommand::Mute {
        origin,
        target: "chatter".into(),
        duration: Duration::from_secs(60),
    });
    assert!(errors(room, owner).is_empty());
    let origin = room.origin(chatter);
    room.handle(RoomCommand::Chat {
        origin,
        text: "hello".into(),
        taken: None,
    });
    assert_eq!(errors(room, chatter), [ErrorCode::NotAllowed]);
    // Deleting a message that is not in the recent chat says so.
    let origin = room.origin(owner);
    room.handle(RoomCommand::DeleteChat {
        origin,
        message_id: "no-such-message".into(),
    });
    assert_eq!(errors(room, owner), [ErrorCode::NotAllowed]);
}

#[tokio::test]
async fn an_account_ban_holds_against_the_account_not_its_address() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let owner = joined(room, "owner", "10.0.0.1");
    joined_as(room, "account-1", "10.0.0.66", Role::Member);
    room.handle(RoomCommand::Ban {
        origin: room.origin(owner),
        target: "account-1".into(),
        duration: Duration::from_secs(60),
    });
    let again = room.connect_as("account-1", "10.0.0.99".parse().unwrap(), Role::Member);
    assert!(matches!(
        room.join(again, None),
        Err(RoomError::Banned { .. })
    ));
    // Someone else at that address is welcome.
    joined_as(room, "account-2", "10.0.0.66", Role::Member);
}

#[tokio::test]
async fn an_account_ban_holds_for_its_browser_after_sign_out_and_for_guests_at_its_address() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let owner = joined(room, "owner", "10.0.0.1");
    let account = room.connect_in_browser(
        "account-1",
        "10.0.0.66".parse().unwrap(),
        Role::Member,
        Some("guest-1"),
    );
    room.join(account, None).unwrap();
    room.handle(RoomCommand::Ban {
        origin: room.origin(owner),
        target: "account-1".into(),
        duration: Duration::from_secs(60),
    });
    // Signed out: the same browser's guest, even from another address.
    let signed_out = room.connect("guest-1", "10.0.0.70".parse().unwrap());
    assert!(matches!(
        room.join(signed_out, None),
        Err(RoomError::Banned { .. })
    ));
    // A new cookie from the banned address.
    let new_guest = room.connect("guest-2", "10.0.0.66".parse().unwrap());
    assert!(matches!(
        room.join(new_guest, None),
        Err(RoomError::Banned { .. })
    ));
    // Another account signed in in that browser.
    let other = room.connect_in_browser(
        "account-3",
        "10.0.0.80".parse().unwrap(),
        Role::Member,
        Some("guest-1"),
    );
    assert!(matches!(
        room.join(other, None),
        Err(RoomError::Banned { .. })
    ));
    // A guest elsewhere is welcome, and the owner is never kept out.
    joined(room, "guest-3", "10.0.0.9");
    let owner_again = room.connect_in_browser(
        "owner",
        "10.0.0.66".parse().unwrap(),
        Role::Member,
        Some("guest-1"),
    );
    room.join(owner_again, None).unwrap();
}

#[tokio::test]
async fn a_ban_longer_than_ten_years_is_refused_and_changes_nothing() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let owner = joined(room, "owner", "10.0.0.1");
    joined(room, "troll", "10.0.0.66");
    room.handle(RoomCommand::Ban {
        origin: room.origin(owner),
        target: "troll".into(),
        duration: Duration::from_secs(3_654 * 24 * 60 * 60),
    });
    assert_eq!(errors(room, owner), [ErrorCode::InvalidMessage]);
    // Still in the room, and free to come back.
    let again = room.connect("troll", "10.0.0.66".parse().unwrap());
    room.join(again, None).unwrap();
    room.handle(RoomCommand::Ban {
        origin: room.origin(owner),
        target: "troll".into(),
        duration: Duration::from_secs(3_653 * 24 * 60 * 60),
    });
    assert_eq!(errors(room, owner), []);
    let banned = room.connect("troll", "10.0.0.66".parse().unwrap());
    assert!(matches!(
        room.join(banned, None),
        Err(RoomError::Banned { .. })
    ));
}

#[tokio::test]
async fn a_guest_who_signs_in_takes_their_rooms_along() {
    let mut harness = room_owned_by("guest-1", settings()).await;
    let room = &mut harness.room;
    let watcher = joined(room, "watcher", "10.0.0.2");
    room.handle(RoomCommand::TransferOwnership {
        from: "someone-else".into(),
        to: "account-9".into(),
    });
    room.handle(RoomCommand::TransferOwnership {
        from: "guest-1".into(),
        to: "account-1".into(),
    });
    let owners: Vec<String> = room
        .received(watcher)
        .into_iter()
        .filter_map(|kind| match kind {
            Kind::RoomUpdated(updated) => Some(updated.room.unwrap().owner_id),
            _ => None,
        })
        .collect();
    assert_eq!(owners, ["account-1"]);
    let account = room.connect_as("account-1", "10.0.0.1".parse().unwrap(), Role::Member);
    room.join(account, None).unwrap();
    kick(room, account, "watcher");
    assert!(left(room, watcher), "the account owns the room now");
}

/// A chat line from `sender` as the journal hands it back once stored.
fn stored_chat(room: &mut Sandbox, sender: &str, text: &str) {
    let message = pianorhythm_core::protocol::ChatMessage {
        id: crate::ids::new_id(),
        sender: Some(pianorhythm_core::protocol::Participant {
            id: sender.into(),
            name: sender.into(),
            ..Default::default()
        }),
        text: text.into(),
        time: clock::now_ms(),
    };
    room.handle(RoomCommand::ChatStored { message });
}

/// What `client` was sent since last asked: how many note batches, and the chat lines' texts.
fn notes_and_chat(room: &mut Sandbox, client: usize) -> (usize, Vec<String>) {
    let received = room.received(client);
    let notes = received
        .iter()
        .filter(|kind| matches!(kind, Kind::Notes(_)))
        .count();
    let chat = received
        .into_iter()
        .filter_map(|kind| match kind {
            Kind::Chat(message) => Some(message.text),
            _ => None,
        })
        .collect();
    (notes, chat)
}

#[tokio::test]
async fn a_blocked_players_notes_and_chat_never_reach_the_blocker() {
    let mut harness = room_owned_by("owner", settings()).await;
    let room = &mut harness.room;
    let troll = joined(room, "troll", "10.0.0.1");
    let blocker = joined(room, "blocker", "10.0.0.2");
    let bystander = joined(room, "bystander", "10.0.0.3");
    stored_chat(room, "troll", "before");
    room.set_blocks(blocker, BlockedPlayers::new(["troll"]));
    for client in [troll, blocker, bystander] {
        room.received(client);
    }
    play(room, troll, note_ons(3));
    stored_chat(room, "troll", "spam");
    stored_chat(room, "bystander", "hello");
    assert_eq!(notes_and_chat(room, blocker), (0, vec!["hello".to_owned()]));
    assert_eq!(
        notes_and_chat(room, bystander),
        (1, vec!["spam".to_owned(), "hello".to_owned()])
    );
    // The troll still gets their own echo, and hears the blocker as before.
    assert_eq!(
        notes_and_chat(room, troll),
        (0, vec!["spam".to_owned(), "hello".to_owned()])
    );
    play(room, blocker, note_ons(1));
    assert_eq!(notes_and_chat(room, troll).0, 1);

    // A second tab joining with the list leaves the troll's lines out of the history too.
    let second_tab = room.connect("blocker", "10.0.0.2".parse().unwrap());
    room.set_blocks(second_tab, BlockedPlayers::new(["troll"]));
    room.join(second_tab, None).unwrap();
    let history: Vec<String> = room
        .received(second_tab)
        .into_iter()
        .find_map(|kind| match kind {
            Kind::RoomJoined(joined) => Some(joined.recent_chat),
            _ => None,
        })
        .unwrap()
        .into_iter()
        .map(|message| message.text)
        .collect();
    assert_eq!(history, ["hello"]);

    // Unblocked, the troll is heard again.
    room.set_blocks(blocker, BlockedPlayers::default());
    room.received(blocker);
    play(room, troll, note_ons(1));
    assert_eq!(notes_and_chat(room, blocker).0, 1);
}

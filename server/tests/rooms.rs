//! The room engine through real WebSocket clients: playing together, room rules, ownership,
//! quotas, chat, and misbehaving clients.

mod common;

use std::time::Duration;

use common::{TestServer, WsClient};
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, BanPlayer, ChatSend, ErrorCode,
    GiveCrown, Instrument, InstrumentChoice, KickPlayer, LeaveReason, LeaveRoom, NoteBatch,
    NoteEvent, NoteEventKind, Participant, RoomSettingsUpdate, SetProfile, SubscribeRoomList,
    PROTOCOL_VERSION,
};

fn room(name: &str) -> RoomSettingsUpdate {
    RoomSettingsUpdate {
        name: Some(name.to_owned()),
        ..Default::default()
    }
}

fn note_on(key: u32, velocity: u32, offset_ms: u32) -> NoteEvent {
    NoteEvent {
        offset_ms,
        kind: NoteEventKind::NoteOn as i32,
        key,
        value: velocity,
    }
}

fn batch(time: f64, events: Vec<NoteEvent>) -> Request {
    Request::Notes(NoteBatch { time, events })
}

fn chat(text: &str) -> Request {
    Request::Chat(ChatSend {
        text: text.to_owned(),
    })
}

/// Owner creates `name`, a second player joins it; both have seen each other arrive.
async fn two_in_a_room(
    server: &TestServer,
    name: &str,
) -> ((WsClient, String), (WsClient, String)) {
    let (mut owner, owner_id) = server.player().await;
    owner.create_room(room(name)).await;
    let (mut guest, guest_id) = server.player().await;
    guest.join_room(name, None).await;
    guest.joined().await;
    owner
        .wait_for(|kind| matches!(kind, Kind::ParticipantJoined(_)).then_some(()))
        .await;
    ((owner, owner_id), (guest, guest_id))
}

async fn relayed(client: &mut WsClient) -> (String, NoteBatch) {
    client
        .wait_for(|kind| match kind {
            Kind::Notes(notes) => Some((notes.sender_id, notes.batch.unwrap())),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn players_hear_each_other_untouched_and_never_their_own_echo() {
    let server = TestServer::start().await;
    let ((mut alice, alice_id), (mut bob, bob_id)) = two_in_a_room(&server, "Jam").await;

    let sent = NoteBatch {
        // Server time, to the quarter millisecond (far from it would be stamped "now").
        time: pianorhythm_engine::clock::now_ms().floor() + 0.25,
        events: vec![
            note_on(60, 100, 0),
            note_on(64, 90, 3),
            NoteEvent {
                offset_ms: 5,
                kind: NoteEventKind::ControlChange as i32,
                key: 64,
                value: 127,
            },
            NoteEvent {
                offset_ms: 9,
                kind: NoteEventKind::NoteOff as i32,
                key: 60,
                value: 0,
            },
        ],
    };
    alice.request(Request::Notes(sent.clone())).await;
    assert_eq!(relayed(&mut bob).await, (alice_id.clone(), sent.clone()));

    bob.request(batch(5.0, vec![note_on(72, 1, 0)])).await;
    assert_eq!(relayed(&mut alice).await.0, bob_id);

    // Nothing of their own came back to either.
    for client in [&mut alice, &mut bob] {
        let stray = client.drain().await;
        assert!(
            !stray.iter().any(|kind| matches!(kind, Kind::Notes(_))),
            "{stray:?}"
        );
    }
}

#[tokio::test]
async fn notes_before_joining_are_refused() {
    let server = TestServer::start().await;
    let (mut loner, _) = server.player().await;
    loner.request(batch(1.0, vec![note_on(60, 100, 0)])).await;
    assert_eq!(loner.error_code().await, ErrorCode::NotInRoom);
}

#[tokio::test]
async fn out_of_range_notes_are_refused_and_the_room_goes_on() {
    let server = TestServer::start().await;
    let ((mut alice, _), (mut bob, _)) = two_in_a_room(&server, "Range").await;
    for bad in [
        batch(1.0, vec![note_on(128, 100, 0)]),
        batch(1.0, vec![note_on(60, 0, 0)]),
        batch(f64::NAN, vec![note_on(60, 100, 0)]),
        batch(
            1.0,
            vec![NoteEvent {
                kind: 9,
                ..note_on(60, 100, 0)
            }],
        ),
        batch(1.0, vec![note_on(60, 100, 60_000)]),
        batch(1.0, vec![note_on(60, 100, 0); 513]),
    ] {
        alice.request(bad).await;
        assert_eq!(alice.error_code().await, ErrorCode::InvalidMessage);
    }
    alice.request(batch(2.0, vec![note_on(61, 80, 0)])).await;
    let (_, received) = relayed(&mut bob).await;
    assert_eq!(received.events[0].key, 61);
}

#[tokio::test]
async fn the_lobby_always_exists_and_cannot_be_changed() {
    let server = TestServer::start().await;
    let (mut player, _) = server.player().await;
    player.join_room("lobby", None).await;
    let joined = player.joined().await;
    let info = joined.room.unwrap();
    assert!(info.permanent);
    assert_eq!(info.name, "Lobby");
    assert_eq!(info.owner_id, "");
    player.request(Request::UpdateSettings(room("Mine"))).await;
    assert_eq!(player.error_code().await, ErrorCode::NotAllowed);
}

#[tokio::test]
async fn public_rooms_are_listed_and_private_ones_hidden_but_joinable_by_name() {
    let server = TestServer::start().await;
    let (mut alice, _) = server.player().await;
    alice.create_room(room("Open Jam")).await;
    let (mut carol, _) = server.player().await;
    carol
        .create_room(RoomSettingsUpdate {
            private: Some(true),
            ..room("Secret")
        })
        .await;

    // A room is listed once created; its player count follows a moment after the join.
    let listed = |rooms: &serde_json::Value| {
        let rooms = rooms.as_array().unwrap();
        let names: Vec<&str> = rooms.iter().map(|r| r["name"].as_str().unwrap()).collect();
        names == ["Lobby", "Open Jam"] && rooms[1]["playerCount"] == 1
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut rooms = server.active_rooms().await;
    while !listed(&rooms) && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        rooms = server.active_rooms().await;
    }
    assert!(listed(&rooms), "listed: {rooms}");
    let open = &rooms[1];
    assert_eq!(open["playerCount"], 1);
    assert_eq!(open["maxPlayers"], 16);
    assert_eq!(open["hasPassword"], false);
    assert!(open["owner"].as_str().unwrap().starts_with("Guest"));
    assert!(open["id"].as_str().is_some());

    let (mut bob, _) = server.player().await;
    bob.join_room("secret", None).await;
    assert_eq!(bob.joined().await.room.unwrap().name, "Secret");
}

#[tokio::test]
async fn the_room_list_is_pushed_when_it_changes() {
    let server = TestServer::start().await;
    let (mut watcher, _) = server.player().await;
    watcher
        .request(Request::SubscribeRoomList(SubscribeRoomList {
            enabled: true,
        }))
        .await;
    let (mut alice, _) = server.player().await;
    alice.create_room(room("Fresh")).await;
    let rooms = watcher
        .wait_for(|kind| match kind {
            Kind::RoomList(list) if list.rooms.iter().any(|r| r.name == "Fresh") => {
                Some(list.rooms)
            }
            _ => None,
        })
        .await;
    let fresh = rooms.iter().find(|r| r.name == "Fresh").unwrap();
    assert_eq!(fresh.player_count, 1);
}

#[tokio::test]
async fn room_names_are_unique_ignoring_case() {
    let server = TestServer::start().await;
    let (mut alice, _) = server.player().await;
    alice.create_room(room("Jazz")).await;
    let (mut bob, _) = server.player().await;
    bob.request(Request::Create(pianorhythm_core::protocol::CreateRoom {
        settings: Some(room("JAZZ")),
    }))
    .await;
    assert_eq!(bob.error_code().await, ErrorCode::RoomNameTaken);
    bob.request(Request::Create(pianorhythm_core::protocol::CreateRoom {
        settings: Some(room("")),
    }))
    .await;
    assert_eq!(bob.error_code().await, ErrorCode::InvalidMessage);
}

#[tokio::test]
async fn wrong_password_full_room_and_unknown_room_are_refused() {
    let server = TestServer::start().await;
    let (mut owner, _) = server.player().await;
    owner
        .create_room(RoomSettingsUpdate {
            password: Some("hunter2".into()),
            max_players: Some(2),
            ..room("Locked")
        })
        .await;

    let (mut bob, _) = server.player().await;
    bob.join_room("Locked", None).await;
    assert_eq!(bob.error_code().await, ErrorCode::WrongPassword);
    bob.join_room("Locked", Some("wrong")).await;
    assert_eq!(bob.error_code().await, ErrorCode::WrongPassword);
    bob.join_room("Locked", Some("hunter2")).await;
    assert!(!bob.joined().await.room.unwrap().private);

    let (mut carol, _) = server.player().await;
    carol.join_room("Locked", Some("hunter2")).await;
    assert_eq!(carol.error_code().await, ErrorCode::RoomFull);
    carol.join_room("Nowhere", None).await;
    assert_eq!(carol.error_code().await, ErrorCode::RoomNotFound);
}

#[tokio::test]
async fn the_owner_kicks_and_the_kicked_player_is_out() {
    let server = TestServer::start().await;
    let ((mut alice, _), (mut bob, bob_id)) = two_in_a_room(&server, "Kick").await;
    alice
        .request(Request::Kick(KickPlayer {
            participant_id: bob_id.clone(),
        }))
        .await;

    let left = bob
        .wait_for(|kind| match kind {
            Kind::RoomLeft(left) => Some(left),
            _ => None,
        })
        .await;
    assert_eq!(left.reason(), LeaveReason::Kicked);
    let gone = alice
        .wait_for(|kind| match kind {
            Kind::ParticipantLeft(left) => Some(left.participant_id),
            _ => None,
        })
        .await;
    assert_eq!(gone, bob_id);

    bob.request(batch(1.0, vec![note_on(60, 100, 0)])).await;
    assert_eq!(bob.error_code().await, ErrorCode::NotInRoom);
    // A kick is not a ban: Bob may come back.
    bob.enter("Kick").await;
}

#[tokio::test]
async fn a_banned_player_cannot_return_until_the_ban_ends() {
    let server = TestServer::start().await;
    let ((mut alice, _), (mut bob, bob_id)) = two_in_a_room(&server, "Ban").await;
    alice
        .request(Request::Ban(BanPlayer {
            participant_id: bob_id,
            duration_seconds: 1,
            site_wide: false,
        }))
        .await;
    let left = bob
        .wait_for(|kind| match kind {
            Kind::RoomLeft(left) => Some(left),
            _ => None,
        })
        .await;
    assert_eq!(left.reason(), LeaveReason::BannedFromRoom);
    assert!(left.banned_until > pianorhythm_engine::clock::now_ms());

    bob.join_room("Ban", None).await;
    assert_eq!(bob.error_code().await, ErrorCode::Banned);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    bob.enter("Ban").await;
}

#[tokio::test]
async fn only_the_owner_changes_settings_kicks_or_gives_the_crown() {
    let server = TestServer::start().await;
    let ((mut alice, alice_id), (mut bob, _)) = two_in_a_room(&server, "Rules").await;
    for request in [
        Request::UpdateSettings(room("Bob's now")),
        Request::Kick(KickPlayer {
            participant_id: alice_id.clone(),
        }),
        Request::GiveCrown(GiveCrown {
            participant_id: alice_id.clone(),
        }),
    ] {
        bob.request(request).await;
        assert_eq!(bob.error_code().await, ErrorCode::NotAllowed);
    }

    alice
        .request(Request::UpdateSettings(RoomSettingsUpdate {
            welcome_message: Some("Welcome!".into()),
            chat_enabled: Some(false),
            ..room("Rules 2")
        }))
        .await;
    let info = bob
        .wait_for(|kind| match kind {
            Kind::RoomUpdated(updated) => updated.room,
            _ => None,
        })
        .await;
    assert_eq!(
        (info.name.as_str(), info.welcome_message.as_str()),
        ("Rules 2", "Welcome!")
    );
    assert!(!info.chat_enabled);
    bob.request(chat("hello?")).await;
    assert_eq!(bob.error_code().await, ErrorCode::NotAllowed);

    alice
        .request(Request::UpdateSettings(RoomSettingsUpdate {
            max_players: Some(99),
            ..Default::default()
        }))
        .await;
    assert_eq!(alice.error_code().await, ErrorCode::InvalidMessage);
}

/// The owner named by the next room update this client receives.
async fn next_owner(client: &mut WsClient) -> String {
    client
        .wait_for(|kind| match kind {
            Kind::RoomUpdated(updated) => Some(updated.room.unwrap().owner_id),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn the_crown_can_be_given_and_passes_to_the_longest_present_when_the_owner_leaves() {
    let server = TestServer::start().await;
    let ((mut alice, alice_id), (mut bob, bob_id)) = two_in_a_room(&server, "Crown").await;
    let (mut carol, carol_id) = server.player().await;
    carol.enter("Crown").await;

    alice
        .request(Request::GiveCrown(GiveCrown {
            participant_id: carol_id.clone(),
        }))
        .await;
    assert_eq!(next_owner(&mut bob).await, carol_id);

    // Carol leaves: Alice has been here longest of those who remain.
    carol.request(Request::Leave(LeaveRoom {})).await;
    assert_eq!(next_owner(&mut bob).await, alice_id);
    alice.request(Request::Leave(LeaveRoom {})).await;
    assert_eq!(next_owner(&mut bob).await, bob_id);
}

#[tokio::test]
async fn the_note_quota_drops_excess_notes_and_says_so() {
    let server = TestServer::start().await;
    let (mut alice, _) = server.player().await;
    alice
        .create_room(RoomSettingsUpdate {
            note_rate: Some(10),
            ..room("Quota")
        })
        .await;
    let (mut bob, _) = server.player().await;
    bob.enter("Quota").await;

    // Rate 10/s with a 3 s burst: 30 of these 40 note-ons pass; the note-off always does.
    let mut events: Vec<NoteEvent> = (0..40).map(|i| note_on(21 + i, 100, i)).collect();
    events.push(NoteEvent {
        offset_ms: 50,
        kind: NoteEventKind::NoteOff as i32,
        key: 21,
        value: 0,
    });
    alice.request(batch(1.0, events)).await;

    let quota = alice
        .wait_for(|kind| match kind {
            Kind::NoteQuota(quota) if quota.dropped > 0 => Some(quota),
            _ => None,
        })
        .await;
    assert_eq!((quota.rate, quota.burst, quota.dropped), (10, 30, 10));
    let (_, received) = relayed(&mut bob).await;
    assert_eq!(received.events.len(), 31);
    assert_eq!(received.events[29].key, 21 + 29);
    assert_eq!(received.events[30].kind(), NoteEventKind::NoteOff);

    // The owner raises the quota for a black MIDI room.
    alice
        .request(Request::UpdateSettings(RoomSettingsUpdate {
            note_rate: Some(10_000),
            ..Default::default()
        }))
        .await;
    bob.wait_for(|kind| matches!(kind, Kind::NoteQuota(q) if q.rate == 10_000).then_some(()))
        .await;
    alice
        .request(batch(
            2.0,
            (0..500).map(|i| note_on(21 + i % 88, 100, 0)).collect(),
        ))
        .await;
    assert_eq!(relayed(&mut bob).await.1.events.len(), 500);
}

#[tokio::test]
async fn chat_is_cleaned_limited_and_kept_for_newcomers() {
    let server = TestServer::start().await;
    let ((mut alice, alice_id), (mut bob, _)) = two_in_a_room(&server, "Chat").await;

    alice.request(chat("  hello\u{0000} there \n")).await;
    let message = bob
        .wait_for(|kind| match kind {
            Kind::Chat(message) => Some(message),
            _ => None,
        })
        .await;
    assert_eq!(message.text, "hello there");
    assert_eq!(message.sender.unwrap().id, alice_id);

    for bad in ["   ", &"x".repeat(501)] {
        alice.request(chat(bad)).await;
        assert_eq!(alice.error_code().await, ErrorCode::InvalidMessage);
    }
    // One message sent, burst of five: four more pass, the sixth is refused.
    for i in 0..4 {
        alice.request(chat(&format!("message {i}"))).await;
    }
    alice.request(chat("one too many")).await;
    // The refusal comes at once; the four are shown (echoed) once stored, in either order
    // relative to it. Both must arrive before the history is checked.
    let (mut refused, mut last_shown) = (false, false);
    while !(refused && last_shown) {
        match alice.next().await {
            Kind::Error(error) => {
                assert_eq!(error.code(), ErrorCode::RateLimited);
                refused = true;
            }
            Kind::Chat(message) => last_shown |= message.text == "message 3",
            _ => {}
        }
    }

    let (mut carol, _) = server.player().await;
    carol.join_room("Chat", None).await;
    let history: Vec<String> = carol
        .joined()
        .await
        .recent_chat
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(
        history,
        [
            "hello there",
            "message 0",
            "message 1",
            "message 2",
            "message 3"
        ]
    );
}

#[tokio::test]
async fn commands_are_refused_to_their_sender_and_me_lines_are_relayed() {
    let server = TestServer::start().await;
    let ((mut alice, alice_id), (mut bob, _)) = two_in_a_room(&server, "Commands").await;

    // A client that skips the page's own commands: the room refuses them, to the sender alone.
    for line in ["/x", "/help", "/me", " /nick Eve"] {
        alice.request(chat(line)).await;
        let error = alice
            .wait_for(|kind| match kind {
                Kind::Error(error) => Some(error),
                _ => None,
            })
            .await;
        assert_eq!(error.code(), ErrorCode::InvalidMessage, "{line}");
        if line == "/x" {
            assert_eq!(error.message, "Unknown command /x — /help lists them");
        }
    }
    alice.request(chat("/me waves")).await;
    // Bob's first chat line is the action: nothing refused reached him.
    let message = bob
        .wait_for(|kind| match kind {
            Kind::Chat(message) => Some(message),
            _ => None,
        })
        .await;
    assert_eq!(message.text, "/me waves");
    assert_eq!(message.sender.unwrap().id, alice_id);
    assert!(!bob
        .drain()
        .await
        .iter()
        .any(|kind| matches!(kind, Kind::Error(_) | Kind::Chat(_))));

    // Only the action was stored.
    let (mut carol, _) = server.player().await;
    carol.join_room("Commands", None).await;
    let history: Vec<String> = carol
        .joined()
        .await
        .recent_chat
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(history, ["/me waves"]);
}

#[tokio::test]
async fn chat_history_keeps_the_last_fifty() {
    let server = TestServer::start().await;
    // Eleven players, five messages each (the burst): 55 messages without waiting.
    let mut players = Vec::new();
    for _ in 0..11 {
        let (mut player, _) = server.player().await;
        player.enter("lobby").await;
        players.push(player);
    }
    for (p, player) in players.iter_mut().enumerate() {
        for m in 0..5 {
            player.request(chat(&format!("m{}", p * 5 + m))).await;
        }
        // A message is shown (echoed) once it is stored: the echo is the acknowledgement.
        let last = format!("m{}", p * 5 + 4);
        player
            .wait_for(|kind| {
                matches!(kind, Kind::Chat(message) if message.text == last).then_some(())
            })
            .await;
    }
    let (mut latecomer, _) = server.player().await;
    latecomer.join_room("lobby", None).await;
    let history: Vec<String> = latecomer
        .joined()
        .await
        .recent_chat
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(history.len(), 50);
    assert_eq!(history.first().unwrap(), "m5");
    assert_eq!(history.last().unwrap(), "m54");
}

#[tokio::test]
async fn a_profile_change_reaches_the_room() {
    let server = TestServer::start().await;
    let ((mut alice, alice_id), (mut bob, _)) = two_in_a_room(&server, "Names").await;
    alice
        .request(Request::SetProfile(SetProfile {
            name: Some(" Ada ".into()),
            color: Some("#FF8800".into()),
            instrument: None,
        }))
        .await;
    let updated = bob
        .wait_for(|kind| match kind {
            Kind::ParticipantUpdated(updated) => updated.participant,
            _ => None,
        })
        .await;
    assert_eq!(
        (updated.id, updated.name, updated.color),
        (alice_id, "Ada".into(), "#ff8800".into())
    );
    alice
        .request(Request::SetProfile(SetProfile {
            name: None,
            color: Some("blue".into()),
            instrument: None,
        }))
        .await;
    assert_eq!(alice.error_code().await, ErrorCode::InvalidMessage);
}

/// Names and colours are written each time: they draw on the player's allowance for changes,
/// which a second tab does not renew.
#[tokio::test]
async fn name_changes_draw_on_the_players_allowance_on_every_tab() {
    let server = TestServer::start_ready_with(|config| {
        // A burst of ten seconds' worth: one change, then none for ten seconds.
        config.limits.owner_actions_per_second = 0.1;
    })
    .await;
    let (mut first_tab, _) = server.connect().await;
    let path = format!("/ws?v={PROTOCOL_VERSION}");
    let mut second_tab = server
        .connect_with_cookie(&path, first_tab.cookie.as_deref())
        .await;
    second_tab.recv().await;
    let rename = |name: &str| {
        Request::SetProfile(SetProfile {
            name: Some(name.into()),
            ..Default::default()
        })
    };
    first_tab.request(rename("Ada")).await;
    let shown = first_tab
        .wait_for(|kind| match kind {
            Kind::ParticipantUpdated(updated) => updated.participant,
            _ => None,
        })
        .await;
    assert_eq!(shown.name, "Ada");
    second_tab.request(rename("Eve")).await;
    assert_eq!(second_tab.error_code().await, ErrorCode::RateLimited);
    first_tab.request(rename("Eve")).await;
    assert_eq!(first_tab.error_code().await, ErrorCode::RateLimited);
}

fn choose_instrument(instrument: Option<Instrument>) -> Request {
    Request::SetProfile(SetProfile {
        instrument: Some(InstrumentChoice { instrument }),
        ..Default::default()
    })
}

fn program_change(program: u32, bank: u32) -> NoteEvent {
    NoteEvent {
        offset_ms: 0,
        kind: NoteEventKind::ProgramChange as i32,
        key: program,
        value: bank,
    }
}

async fn next_update(client: &mut WsClient) -> Participant {
    client
        .wait_for(|kind| match kind {
            Kind::ParticipantUpdated(updated) => updated.participant,
            _ => None,
        })
        .await
}

#[tokio::test]
async fn an_instrument_is_part_of_the_profile_and_program_changes_travel_with_the_notes() {
    let server = TestServer::start().await;
    let ((mut alice, alice_id), (mut bob, _)) = two_in_a_room(&server, "Band").await;
    let square = Instrument {
        bank: 0,
        program: 80,
        name: " Square\u{0007} Lead ".into(),
    };
    alice.request(choose_instrument(Some(square))).await;
    let updated = next_update(&mut bob).await;
    assert_eq!(updated.id, alice_id);
    let instrument = updated.instrument.expect("the instrument is shown");
    assert_eq!(
        (
            instrument.bank,
            instrument.program,
            instrument.name.as_str()
        ),
        (0, 80, "Square Lead")
    );

    // A newcomer sees it in the player list.
    let (mut carol, _) = server.player().await;
    carol.join_room("Band", None).await;
    let joined = carol.joined().await;
    let alice_seen = joined
        .participants
        .iter()
        .find(|p| p.id == alice_id)
        .unwrap();
    assert_eq!(alice_seen.instrument.as_ref().unwrap().program, 80);

    // Program changes (percussion bank included) are relayed in order with the notes.
    alice
        .request(batch(
            1.0,
            vec![
                program_change(0, 128),
                note_on(36, 100, 1),
                program_change(80, 0),
            ],
        ))
        .await;
    let (sender, received) = relayed(&mut bob).await;
    assert_eq!(sender, alice_id);
    let kinds: Vec<_> = received
        .events
        .iter()
        .map(|e| (e.kind(), e.key, e.value))
        .collect();
    assert_eq!(
        kinds,
        [
            (NoteEventKind::ProgramChange, 0, 128),
            (NoteEventKind::NoteOn, 36, 100),
            (NoteEventKind::ProgramChange, 80, 0),
        ]
    );

    // Back to the piano.
    alice.request(choose_instrument(None)).await;
    assert_eq!(next_update(&mut bob).await.instrument, None);

    // Made-up instruments and program changes are refused by name; nothing changes.
    for (bad, why) in [
        (
            Instrument {
                bank: 129,
                program: 0,
                name: "Kit".into(),
            },
            "bank",
        ),
        (
            Instrument {
                bank: 0,
                program: 128,
                name: "Piano".into(),
            },
            "program",
        ),
        (
            Instrument {
                bank: 0,
                program: 0,
                name: "\u{202E}onaiP".into(),
            },
            "invisible",
        ),
        (
            Instrument {
                bank: 0,
                program: 0,
                name: "x".repeat(41),
            },
            "limit",
        ),
        (
            Instrument {
                bank: 0,
                program: 0,
                name: " ".into(),
            },
            "empty",
        ),
    ] {
        alice.request(choose_instrument(Some(bad))).await;
        let error = alice
            .wait_for(|kind| match kind {
                Kind::Error(error) => Some(error),
                _ => None,
            })
            .await;
        assert_eq!(error.code(), ErrorCode::InvalidMessage);
        assert!(error.message.contains(why), "{why}: {}", error.message);
    }
    for bad in [program_change(128, 0), program_change(0, 129)] {
        alice.request(batch(2.0, vec![bad])).await;
        assert_eq!(alice.error_code().await, ErrorCode::InvalidMessage);
    }
    alice.request(batch(3.0, vec![note_on(61, 80, 0)])).await;
    assert_eq!(relayed(&mut bob).await.1.events[0].key, 61);
    assert!(bob
        .drain()
        .await
        .iter()
        .all(|kind| !matches!(kind, Kind::ParticipantUpdated(_))));
}

#[tokio::test]
async fn the_same_browser_in_two_tabs_is_one_player() {
    let server = TestServer::start().await;
    let (mut first_tab, first_id) = server.player().await;
    let cookie = first_tab
        .cookie
        .clone()
        .expect("the handshake sets a session cookie");
    let mut second_tab = server.connect_with_cookie("/ws?v=1", Some(&cookie)).await;
    let Some(Kind::Welcome(welcome)) = second_tab.recv().await.kind else {
        panic!("expected a welcome")
    };
    assert_eq!(welcome.you.unwrap().id, first_id);

    first_tab.create_room(room("Tabs")).await;
    second_tab.join_room("Tabs", None).await;
    assert_eq!(second_tab.joined().await.participants.len(), 1);

    let (mut friend, _) = server.player().await;
    friend.join_room("Tabs", None).await;
    assert_eq!(friend.joined().await.participants.len(), 2);
    // Closing one tab keeps the player in the room.
    drop(second_tab);
    first_tab
        .request(batch(1.0, vec![note_on(60, 100, 0)]))
        .await;
    assert_eq!(relayed(&mut friend).await.0, first_id);
    let stray = friend.drain().await;
    assert!(
        !stray
            .iter()
            .any(|kind| matches!(kind, Kind::ParticipantLeft(_))),
        "{stray:?}"
    );
}

#[tokio::test]
async fn an_empty_room_is_removed_after_its_grace_period() {
    let server =
        TestServer::start_with(|config| config.rooms.empty_room_grace = Duration::from_millis(200))
            .await;
    let (mut alice, _) = server.player().await;
    alice.create_room(room("Brief")).await;
    alice.request(Request::Leave(LeaveRoom {})).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    alice.join_room("Brief", None).await;
    assert_eq!(alice.error_code().await, ErrorCode::RoomNotFound);
}

#[tokio::test]
async fn a_silent_connection_is_removed() {
    let server = TestServer::start_with(|config| {
        config.connection.idle_timeout = Duration::from_millis(600)
    })
    .await;
    let ((mut alice, _), (bob, bob_id)) = two_in_a_room(&server, "Idle").await;
    // Bob stops reading, so he never answers the server's pings. Alice keeps talking.
    let gone = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            alice
                .request(Request::Ping(pianorhythm_core::protocol::TimePing {
                    client_send_time: 0.0,
                }))
                .await;
            if let Kind::ParticipantLeft(left) = alice.next().await {
                return left.participant_id;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("the silent player was never removed");
    assert_eq!(gone, bob_id);
    drop(bob);
}

#[tokio::test]
async fn a_stalled_client_is_dropped_while_the_others_keep_receiving() {
    let server = TestServer::start_with(|config| {
        config.connection.outbox_capacity = 32;
        config.connection.message_rate = 1e6;
        config.connection.message_burst = 1e6;
    })
    .await;
    let (mut alice, _) = server.player().await;
    alice
        .create_room(RoomSettingsUpdate {
            note_rate: Some(20_000),
            ..room("Stall")
        })
        .await;
    let (mut stalled, stalled_id) = server.player().await;
    stalled.enter("Stall").await;
    let (mut listener, _) = server.player().await;
    listener.enter("Stall").await;

    // Big batches of note-offs fill the stalled client's socket buffers quickly; each one's
    // first offset numbers it, so the listener can check the order.
    let big: Vec<NoteEvent> = (0..500)
        .map(|i| NoteEvent {
            offset_ms: i % 100,
            kind: NoteEventKind::NoteOff as i32,
            key: i % 128,
            value: 0,
        })
        .collect();
    let mut stalled_was_dropped = false;
    for sent in 0..2_000u32 {
        let mut numbered = big.clone();
        numbered[0].offset_ms = sent;
        alice
            .request(batch(pianorhythm_engine::clock::now_ms(), numbered))
            .await;
        // The listener gets every batch, in order, while the stalled client reads nothing.
        assert_eq!(relayed(&mut listener).await.1.events[0].offset_ms, sent);
        if sent % 50 == 49 {
            let events = alice.drain().await;
            if events.iter().any(|kind| matches!(kind, Kind::ParticipantLeft(left) if left.participant_id == stalled_id)) {
                stalled_was_dropped = true;
                break;
            }
        }
    }
    assert!(stalled_was_dropped, "the stalled client was never dropped");
    drop(stalled);
}

#[tokio::test]
async fn a_flood_is_refused_then_cut_off_without_hurting_others() {
    let server = TestServer::start().await;
    let ((mut alice, _), (mut flooder, _)) = two_in_a_room(&server, "Flood").await;
    let ping = pianorhythm_core::protocol::ClientMessage::from_kind(Request::Ping(
        pianorhythm_core::protocol::TimePing {
            client_send_time: 0.0,
        },
    ));
    for _ in 0..10_000 {
        if futures_util::SinkExt::send(
            &mut flooder.stream,
            tokio_tungstenite::tungstenite::Message::Binary(
                prost::Message::encode_to_vec(&ping).into(),
            ),
        )
        .await
        .is_err()
        {
            break;
        }
    }
    assert_eq!(flooder.error_code().await, ErrorCode::RateLimited);
    let left = alice
        .wait_for(|kind| match kind {
            Kind::ParticipantLeft(left) => Some(left.participant_id),
            _ => None,
        })
        .await;
    assert!(!left.is_empty());
    alice.request(chat("still here")).await;
    alice
        .wait_for(|kind| matches!(kind, Kind::Chat(_)).then_some(()))
        .await;
}

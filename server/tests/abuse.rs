//! The real server under attack by one guest with a short script: every limit must hold per
//! player, however they come back (re-joining, new tabs, new cookies, many sockets).

mod common;

use std::time::{Duration, Instant};

use common::{TestServer, WsClient};
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, ChatSend, CreateRoom, DisconnectReason,
    ErrorCode, LeaveRoom, NoteBatch, NoteEvent, NoteEventKind, RoomSettingsUpdate, SetProfile,
    PROTOCOL_VERSION,
};
use server::config::Config;
use tokio_tungstenite::tungstenite::Message;

fn room(name: &str) -> RoomSettingsUpdate {
    RoomSettingsUpdate {
        name: Some(name.to_owned()),
        ..Default::default()
    }
}

fn note_ons(count: u32) -> Request {
    Request::Notes(NoteBatch {
        time: pianorhythm_engine::clock::now_ms(),
        events: (0..count)
            .map(|n| NoteEvent {
                offset_ms: 0,
                kind: NoteEventKind::NoteOn as i32,
                key: 21 + n % 88,
                value: 100,
            })
            .collect(),
    })
}

fn chat(text: &str) -> Request {
    Request::Chat(ChatSend {
        text: text.to_owned(),
    })
}

/// Counts what `listener` receives of `pick` until the connection has nothing more.
async fn count_received(listener: &mut WsClient, pick: impl Fn(&Kind) -> usize) -> usize {
    listener.drain().await.iter().map(pick).sum()
}

fn events_in(kind: &Kind) -> usize {
    match kind {
        Kind::Notes(relayed) => relayed.batch.as_ref().map_or(0, |b| b.events.len()),
        _ => 0,
    }
}

/// Fails unless `seen` is at most `allowed`.
fn assert_at_most(seen: usize, allowed: f64, what: &str) {
    assert!(
        seen as f64 <= allowed,
        "{seen} {what}, allowed {allowed:.1}"
    );
}

/// A player listening in the Lobby.
async fn lobby_listener(server: &TestServer) -> WsClient {
    let (mut listener, _) = server.player().await;
    listener.enter("lobby").await;
    listener
}

/// One address shared by at most two guests' worth of allowances, as for a real visitor.
fn one_visitor(config: &mut Config) {
    config.limits.guests_per_address = 2.0;
}

/// Joins as often as a script likes, to show what else holds.
fn one_visitor_rejoining(config: &mut Config) {
    one_visitor(config);
    config.limits.joins_per_minute = 60_000.0;
}

#[tokio::test]
async fn rejoining_the_lobby_does_not_refill_the_note_quota() {
    let server = TestServer::start_ready_with(one_visitor_rejoining).await;
    let mut listener = lobby_listener(&server).await;
    let (mut attacker, _) = server.player().await;
    let started = Instant::now();
    for _ in 0..20 {
        attacker.enter("lobby").await;
        attacker.request(note_ons(300)).await;
        attacker.request(Request::Leave(LeaveRoom {})).await;
    }
    attacker.drain().await;
    let heard = count_received(&mut listener, events_in).await;
    // The Lobby's quota: a 300-note burst, then 100 a second.
    let allowed = 300.0 + 100.0 * started.elapsed().as_secs_f64();
    assert_at_most(heard, allowed, "note-ons heard");
    assert!(heard >= 300, "the burst itself passes ({heard})");
}

#[tokio::test]
async fn new_cookies_do_not_bring_a_new_note_quota() {
    let server = TestServer::start_ready_with(one_visitor_rejoining).await;
    let mut listener = lobby_listener(&server).await;
    let started = Instant::now();
    for _ in 0..10 {
        // Each connection without a cookie is a brand-new guest, from the same address.
        let (mut attacker, _) = server.player().await;
        attacker.enter("lobby").await;
        attacker.request(note_ons(300)).await;
        attacker.drain().await;
    }
    let heard = count_received(&mut listener, events_in).await;
    // The address gets two guests' worth.
    let allowed = 2.0 * (300.0 + 100.0 * started.elapsed().as_secs_f64());
    assert_at_most(heard, allowed, "note-ons heard");
}

#[tokio::test]
async fn note_offs_and_pedal_changes_cost_too() {
    let server = TestServer::start_ready_with(one_visitor).await;
    let mut listener = lobby_listener(&server).await;
    let (mut attacker, _) = server.player().await;
    attacker.enter("lobby").await;
    let offs: Vec<NoteEvent> = (0..512)
        .map(|n| NoteEvent {
            offset_ms: 0,
            kind: if n % 2 == 0 {
                NoteEventKind::NoteOff
            } else {
                NoteEventKind::ControlChange
            } as i32,
            key: n % 128,
            value: 0,
        })
        .collect();
    let started = Instant::now();
    for _ in 0..100 {
        attacker
            .request(Request::Notes(NoteBatch {
                time: pianorhythm_engine::clock::now_ms(),
                events: offs.clone(),
            }))
            .await;
    }
    attacker.drain().await;
    let heard = count_received(&mut listener, events_in).await;
    // 100 notes/s × 8 events, three seconds of burst.
    let allowed = 2_400.0 + 800.0 * started.elapsed().as_secs_f64();
    assert_at_most(heard, allowed, "events heard");
}

#[tokio::test]
async fn rejoining_does_not_refill_the_chat_limit() {
    let server = TestServer::start_ready_with(one_visitor_rejoining).await;
    let mut listener = lobby_listener(&server).await;
    let (mut attacker, _) = server.player().await;
    let started = Instant::now();
    for round in 0..10 {
        attacker.join_room("lobby", None).await;
        // Refusals of the last round's spam may still be on their way.
        attacker
            .wait_for(|kind| matches!(kind, Kind::RoomJoined(_)).then_some(()))
            .await;
        for n in 0..5 {
            attacker.request(chat(&format!("spam {round}.{n}"))).await;
        }
        attacker.drain().await;
        attacker.request(Request::Leave(LeaveRoom {})).await;
    }
    // Chat is shown once stored, in the order it was sent: once the listener's own message
    // is shown, every message of the attacker's that was let through has been too.
    listener.request(chat("the end")).await;
    let mut shown = 0;
    listener
        .wait_for(|kind| match kind {
            Kind::Chat(message) if message.text == "the end" => Some(()),
            Kind::Chat(_) => {
                shown += 1;
                None
            }
            _ => None,
        })
        .await;
    let allowed = 5.0 + started.elapsed().as_secs_f64();
    assert_at_most(shown, allowed, "messages shown");
}

#[tokio::test]
async fn a_burst_of_room_creations_is_bounded() {
    let server = TestServer::start_ready_with(one_visitor).await;
    let (mut attacker, _) = server.player().await;
    for n in 0..100 {
        attacker
            .request(Request::Create(CreateRoom {
                settings: Some(room(&format!("Spam {n}"))),
            }))
            .await;
    }
    attacker.drain().await;
    // New cookies from the same address do not help either.
    for n in 0..20 {
        let (mut again, _) = server.player().await;
        again
            .request(Request::Create(CreateRoom {
                settings: Some(room(&format!("Again {n}"))),
            }))
            .await;
        again.drain().await;
    }
    // Each creation is answered before the pong `drain` waits for, and listed at once.
    let rooms = server.active_rooms().await;
    let created = rooms.as_array().unwrap().len() - 1;
    // Three a minute for the player, two players' worth for the address.
    assert!(created <= 6, "{created} rooms were created");
    assert!(created >= 3, "the player's own allowance works ({created})");
}

#[tokio::test]
async fn many_sockets_on_one_cookie_are_refused_past_the_session_limit() {
    let server = TestServer::start_ready_with(|config| {
        config.limits.connections_per_session = 4;
        // Hundreds of handshakes in a few seconds: the per-address handshake budget is not
        // what this test is about.
        config.http.burst = 2_000;
    })
    .await;
    let first = server
        .connect_to(&format!("/ws?v={PROTOCOL_VERSION}"))
        .await;
    let cookie = first.cookie.clone().expect("a session cookie");
    let mut open = vec![first];
    let mut refused = 0;
    for _ in 0..100 {
        let mut client = server
            .connect_with_cookie(&format!("/ws?v={PROTOCOL_VERSION}"), Some(&cookie))
            .await;
        match client.recv().await.kind {
            Some(Kind::Welcome(_)) => open.push(client),
            Some(Kind::Disconnect(goodbye)) => {
                assert_eq!(goodbye.reason(), DisconnectReason::TooManyConnections);
                refused += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(open.len(), 4);
    assert_eq!(refused, 97);
    // A closed tab gives its place back, once the server has seen it close.
    drop(open.pop());
    let mut welcomed = false;
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let mut client = server
            .connect_with_cookie(&format!("/ws?v={PROTOCOL_VERSION}"), Some(&cookie))
            .await;
        if matches!(client.recv().await.kind, Some(Kind::Welcome(_))) {
            welcomed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(welcomed, "the closed tab's place never came back");
}

#[tokio::test]
async fn many_sockets_from_one_address_are_refused_past_the_address_limit() {
    let server = TestServer::start_ready_with(|config| {
        config.limits.connections_per_address = 10;
    })
    .await;
    let mut open = Vec::new();
    let mut refused = 0;
    for _ in 0..30 {
        let mut client = server
            .connect_to(&format!("/ws?v={PROTOCOL_VERSION}"))
            .await;
        match client.recv().await.kind {
            Some(Kind::Welcome(_)) => open.push(client),
            Some(Kind::Disconnect(goodbye)) => {
                assert_eq!(goodbye.reason(), DisconnectReason::TooManyConnections);
                refused += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((open.len(), refused), (10, 20));
}

#[tokio::test]
async fn a_batch_stamped_tomorrow_is_relayed_as_now() {
    let server = TestServer::start().await;
    let mut listener = lobby_listener(&server).await;
    let (mut player, _) = server.player().await;
    player.enter("lobby").await;
    let tomorrow = pianorhythm_engine::clock::now_ms() + 86_400_000.0;
    player
        .request(Request::Notes(NoteBatch {
            time: tomorrow,
            events: vec![NoteEvent {
                offset_ms: 0,
                kind: NoteEventKind::NoteOn as i32,
                key: 60,
                value: 90,
            }],
        }))
        .await;
    let stamped = listener
        .wait_for(|kind| match kind {
            Kind::Notes(relayed) => relayed.batch.map(|batch| batch.time),
            _ => None,
        })
        .await;
    assert!((stamped - pianorhythm_engine::clock::now_ms()).abs() < 1_000.0);
}

#[tokio::test]
async fn invisible_names_are_refused() {
    let server = TestServer::start().await;
    let (mut player, _) = server.player().await;
    for name in [
        "\u{200B}\u{200D}\u{2060}",
        "\u{202E}\u{2066}",
        "Bob\u{200B}",
    ] {
        player
            .request(Request::SetProfile(SetProfile {
                name: Some(name.to_owned()),
                color: None,
                instrument: None,
            }))
            .await;
        assert_eq!(player.error_code().await, ErrorCode::InvalidMessage);
        player
            .request(Request::Create(CreateRoom {
                settings: Some(room(name)),
            }))
            .await;
        assert_eq!(player.error_code().await, ErrorCode::InvalidMessage);
    }
}

#[tokio::test]
async fn look_alike_room_names_and_ids_cannot_be_taken() {
    let server = TestServer::start().await;
    let (mut owner, _) = server.player().await;
    let jazz = owner.create_room(room("Jazz")).await.room.unwrap();
    let (mut impostor, _) = server.player().await;
    // "Lobby" with a Cyrillic o, "JAZZ", and a name equal to a live room's id.
    for name in ["L\u{043E}bby", "JAZZ", "lobby", jazz.id.as_str()] {
        impostor
            .request(Request::Create(CreateRoom {
                settings: Some(room(name)),
            }))
            .await;
        assert_eq!(
            impostor.error_code().await,
            ErrorCode::RoomNameTaken,
            "{name:?}"
        );
    }
    // Joining by id always reaches the room with that id.
    let joined = impostor.enter(&jazz.id).await;
    assert_eq!(joined.room.unwrap().name, "Jazz");
}

/// The answer to a join: the error's code and text, or "joined".
async fn answer(client: &mut WsClient) -> (ErrorCode, String) {
    client
        .wait_for(|kind| match kind {
            Kind::Error(error) => Some((error.code(), error.message)),
            Kind::RoomJoined(_) => Some((ErrorCode::Unspecified, "joined".into())),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn password_guessing_is_slow_and_private_rooms_do_not_reveal_themselves() {
    let server = TestServer::start().await;
    let (mut owner, _) = server.player().await;
    owner
        .create_room(RoomSettingsUpdate {
            private: Some(true),
            password: Some("correct horse".into()),
            ..room("Hideout")
        })
        .await;
    let (mut guesser, _) = server.player().await;
    let started = Instant::now();
    guesser.join_room("Hideout", Some("wrong")).await;
    let wrong_password = answer(&mut guesser).await;
    guesser.join_room("No Such Room", Some("wrong")).await;
    let no_room = answer(&mut guesser).await;
    assert_eq!(wrong_password, no_room);
    assert_eq!(wrong_password.0, ErrorCode::RoomNotFound);

    // The join allowance: a burst of ten (two used above), then one every two seconds.
    let mut checked = 0;
    for n in 0..30 {
        guesser
            .join_room("Hideout", Some(&format!("guess {n}")))
            .await;
        if answer(&mut guesser).await.0 != ErrorCode::RateLimited {
            checked += 1;
        }
    }
    let allowed = 8.0 + started.elapsed().as_secs_f64() / 2.0 + 1.0;
    assert_at_most(checked, allowed, "of 30 guesses checked");
    // The right password still works for someone else.
    let (mut friend, _) = server.player().await;
    friend.join_room("Hideout", Some("correct horse")).await;
    friend.joined().await;
}

#[tokio::test]
async fn a_settings_flood_is_bounded_and_chat_still_flows() {
    let server = TestServer::start().await;
    let (mut owner, _) = server.player().await;
    owner.create_room(room("Flood")).await;
    let (mut member, _) = server.player().await;
    member.enter("Flood").await;
    for n in 0..1_000 {
        owner
            .request(Request::UpdateSettings(RoomSettingsUpdate {
                welcome_message: Some(format!("{n} {}", "x".repeat(400))),
                ..Default::default()
            }))
            .await;
    }
    // Every update is answered: refused, or made (and shown to the whole room).
    let (mut refused, mut made) = (0, 0);
    while refused + made < 1_000 {
        match owner.next().await {
            Kind::Error(error) if error.code() == ErrorCode::RateLimited => refused += 1,
            Kind::RoomUpdated(_) => made += 1,
            _ => {}
        }
    }
    assert!(made <= 25, "{made} of 1,000 updates were made");
    let updates = count_received(&mut member, |kind| {
        usize::from(matches!(kind, Kind::RoomUpdated(_)))
    })
    .await;
    assert!(updates <= 50, "{updates} updates reached the room");
    let sent = Instant::now();
    owner.request(chat("still here")).await;
    member
        .wait_for(|kind| matches!(kind, Kind::Chat(m) if m.text == "still here").then_some(()))
        .await;
    assert!(sent.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn pings_and_text_frames_count_against_the_message_rate() {
    let server = TestServer::start_ready_with(|config| {
        config.connection.message_rate = 50.0;
        config.connection.message_burst = 50.0;
    })
    .await;
    let (mut client, _) = server.connect().await;
    for n in 0..200 {
        let frame = if n % 2 == 0 {
            Message::Ping(Vec::new().into())
        } else {
            Message::Text("hello".into())
        };
        client.send_raw(frame).await;
    }
    let limited = client
        .wait_for(|kind| match kind {
            Kind::Error(error) if error.code() == ErrorCode::RateLimited => Some(true),
            _ => None,
        })
        .await;
    assert!(limited);
}

#[tokio::test]
async fn the_room_list_goes_only_to_its_subscribers_and_at_most_once_a_second() {
    let server = TestServer::start().await;
    let (mut quiet, _) = server.player().await;
    let (mut lobby_page, _) = server.player().await;
    lobby_page
        .request(Request::SubscribeRoomList(
            pianorhythm_core::protocol::SubscribeRoomList { enabled: true },
        ))
        .await;
    let started = Instant::now();
    // 60 room changes in a burst, from 20 players.
    for n in 0..20 {
        let (mut owner, _) = server.player().await;
        for m in 0..3 {
            owner.create_room(room(&format!("Busy {n}.{m}"))).await;
        }
    }
    let pushes = |kinds: &[pianorhythm_core::protocol::ServerMessage]| {
        kinds
            .iter()
            .filter(|m| matches!(m.kind, Some(Kind::RoomList(_))))
            .count()
    };
    // The Lobby and every room arrive, however few pushes carry them.
    let mut received = Vec::new();
    loop {
        let message = lobby_page.recv().await;
        let complete =
            matches!(&message.kind, Some(Kind::RoomList(list)) if list.rooms.len() == 61);
        received.push(message);
        if complete {
            break;
        }
    }
    let allowed = 2 + started.elapsed().as_secs() as usize;
    let lists = pushes(&received);
    assert!(lists <= allowed, "{lists} pushes, allowed {allowed}");

    let mut quiet_received = Vec::new();
    quiet.request(Request::Ping(Default::default())).await;
    loop {
        let message = quiet.recv().await;
        if matches!(message.kind, Some(Kind::Pong(_))) {
            break;
        }
        quiet_received.push(message);
    }
    assert_eq!(pushes(&quiet_received), 0);
}

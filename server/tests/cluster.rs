//! Several instances, one game: two real `server` processes share one Redis (the bus,
//! `REDIS_URL`) and one DATA_DIR, and a room spans them. Players on different instances hear
//! each other, read one chat and see one player list and one owner; room names and the room
//! list are global; a room outlives the instance that held it (kill -9 or SIGTERM); per-player
//! limits count every instance; and a Redis restart mid-session heals by itself.
//!
//! Every test starts its own `redis-server` and two instances, A and B. A room is created by a
//! player on A, so A is the instance that holds it.

mod common;
mod support {
    pub mod browser;
    pub mod cut;
    pub mod oauth_provider;
    pub mod process;
    pub mod redis;
}

use std::collections::BTreeSet;

use common::WsClient;
use futures_util::StreamExt;
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, BanPlayer, ChatSend, CreateRoom,
    DisconnectReason, ErrorCode, KickPlayer, LeaveRoom, NoteBatch, NoteEvent, NoteEventKind,
    Participant, RoomJoined, RoomSettingsUpdate, ServerMessage, SubscribeRoomList,
};
use prost::Message as _;
use support::{
    browser::Browser,
    cut::CuttableLink,
    oauth_provider::OAuthProvider,
    process::ServerProcess,
    redis::{RedisServer, BUS_SECRET},
};
use tempfile::TempDir;
use tokio::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// How soon after an instance dies its players are out of the room and the room runs again.
const FAILOVER: Duration = Duration::from_secs(10);
/// How soon after Redis is back notes cross instances again.
const REDIS_RECOVERY: Duration = Duration::from_secs(15);
/// How long a test waits for something that should simply happen.
const PATIENCE: Duration = Duration::from_secs(10);

/// What the instances share: the bus, the data folder and the (empty) site root.
struct Shared {
    redis: RedisServer,
    data: TempDir,
    site: TempDir,
}

impl Shared {
    fn new() -> Self {
        Self {
            redis: RedisServer::start(),
            data: TempDir::new().unwrap(),
            site: TempDir::new().unwrap(),
        }
    }

    /// Instances A and B on the shared Redis and DATA_DIR, with `env` set on both.
    /// Two instances whose players sign in with `provider`.
    async fn two_signing_in(&self, provider: &OAuthProvider) -> (ServerProcess, ServerProcess) {
        let env = oauth_env(provider);
        let env: Vec<_> = env
            .iter()
            .map(|(key, value)| (*key, value.as_str()))
            .collect();
        self.two_instances(&env).await
    }

    async fn two_instances(&self, env: &[(&str, &str)]) -> (ServerProcess, ServerProcess) {
        let url = self.redis.url();
        let mut env = env.to_vec();
        env.push(("REDIS_URL", &url));
        env.push(("BUS_SECRET", BUS_SECRET));
        // Tests ask again while a room moves between instances.
        env.push(("JOIN_ATTEMPTS_PER_MINUTE", "600"));
        let start = || ServerProcess::start_with(self.data.path(), self.site.path(), &env);
        tokio::join!(start(), start())
    }
}

fn room(name: &str) -> RoomSettingsUpdate {
    RoomSettingsUpdate {
        name: Some(name.to_owned()),
        ..Default::default()
    }
}

fn create(settings: RoomSettingsUpdate) -> Request {
    Request::Create(CreateRoom {
        settings: Some(settings),
    })
}

fn chat(text: &str) -> Request {
    Request::Chat(ChatSend {
        text: text.to_owned(),
    })
}

/// One note-on of `key`.
fn note(key: u32) -> Request {
    Request::Notes(NoteBatch {
        time: 1.0,
        events: vec![NoteEvent {
            offset_ms: 0,
            kind: NoteEventKind::NoteOn as i32,
            key,
            value: 100,
        }],
    })
}

fn ids(participants: &[Participant]) -> BTreeSet<String> {
    participants.iter().map(|p| p.id.clone()).collect()
}

fn set<const N: usize>(names: [&str; N]) -> BTreeSet<String> {
    names.into_iter().map(str::to_owned).collect()
}

/// The next message arriving before `deadline`; `None` once it has passed or the connection
/// has ended.
async fn next_before(client: &mut WsClient, deadline: Instant) -> Option<Kind> {
    loop {
        match tokio::time::timeout_at(deadline, client.stream.next()).await {
            Ok(Some(Ok(Message::Binary(bytes)))) => {
                return ServerMessage::decode(bytes.as_ref()).unwrap().kind;
            }
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            Ok(_) | Err(_) => return None,
        }
    }
}

/// Skips messages until `pick` accepts one; panics naming `what` after `within`.
async fn until<T>(
    client: &mut WsClient,
    within: Duration,
    what: &str,
    mut pick: impl FnMut(Kind) -> Option<T>,
) -> T {
    let deadline = Instant::now() + within;
    while let Some(kind) = next_before(client, deadline).await {
        if let Some(found) = pick(kind) {
            return found;
        }
    }
    if Instant::now() < deadline {
        panic!("the connection ended while waiting for {what}");
    }
    panic!("no {what} within {within:?}");
}

/// Everything that arrives within `window` (less if the connection ends).
async fn arriving_within(client: &mut WsClient, window: Duration) -> Vec<Kind> {
    let deadline = Instant::now() + window;
    let mut arrived = Vec::new();
    while let Some(kind) = next_before(client, deadline).await {
        arrived.push(kind);
    }
    arrived
}

/// The player list as a client sees it, kept up to date from what the room tells it.
fn follow(view: &mut BTreeSet<String>, kind: &Kind) {
    match kind {
        Kind::RoomJoined(joined) => *view = ids(&joined.participants),
        Kind::ParticipantJoined(joined) => {
            view.insert(joined.participant.as_ref().unwrap().id.clone());
        }
        Kind::ParticipantLeft(left) => {
            view.remove(&left.participant_id);
        }
        Kind::RoomLeft(_) => view.clear(),
        _ => {}
    }
}

/// Reads `client`, following its player list in `view`, until `done` holds for the list;
/// returns how long that took.
async fn view_until(
    client: &mut WsClient,
    view: &mut BTreeSet<String>,
    within: Duration,
    what: &str,
    done: impl Fn(&BTreeSet<String>) -> bool,
) -> Duration {
    let started = Instant::now();
    if !done(view) {
        until(client, within, what, |kind| {
            follow(view, &kind);
            done(view).then_some(())
        })
        .await;
    }
    started.elapsed()
}

/// Joins `room`, asking again after a refusal or a silence, until `deadline`.
async fn join_by(client: &mut WsClient, room: &str, deadline: Instant) -> RoomJoined {
    let mut last_answer = None;
    while Instant::now() < deadline {
        client.join_room(room, None).await;
        let answer_by = deadline.min(Instant::now() + Duration::from_secs(3));
        while let Some(kind) = next_before(client, answer_by).await {
            match kind {
                Kind::RoomJoined(joined) => return joined,
                Kind::Error(error) => {
                    last_answer = Some(error);
                    break;
                }
                _ => {}
            }
        }
        // A pause between attempts, not a wait for something that could be awaited.
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("could not join {room:?} in time; the last answer was {last_answer:?}");
}

/// The answer to a create or join: the room, or the error's code.
async fn outcome(client: &mut WsClient) -> Result<RoomJoined, ErrorCode> {
    until(client, PATIENCE, "a room or an error", |kind| match kind {
        Kind::RoomJoined(joined) => Some(Ok(joined)),
        Kind::Error(error) => Some(Err(error.code())),
        _ => None,
    })
    .await
}

/// `from` plays a note every half second until `to` hears one from `from_id`, for at most
/// `within`; returns how long it took and everything else `to` received meanwhile, in order.
/// What `from` is told meanwhile (not in the room yet, say) stays unread.
async fn notes_reach(
    from: &mut WsClient,
    from_id: &str,
    to: &mut WsClient,
    within: Duration,
) -> (Duration, Vec<Kind>) {
    let started = Instant::now();
    let mut other = Vec::new();
    while started.elapsed() < within {
        from.request(note(60)).await;
        for kind in arriving_within(to, Duration::from_millis(500)).await {
            match kind {
                Kind::Notes(notes) if notes.sender_id == from_id => {
                    return (started.elapsed(), other);
                }
                kind => other.push(kind),
            }
        }
    }
    panic!("no note from {from_id} got through within {within:?}; meanwhile: {other:?}");
}

/// `to` hears a note `from` plays now.
async fn hears(from: &mut WsClient, from_id: &str, to: &mut WsClient) {
    from.request(note(64)).await;
    until(
        to,
        PATIENCE,
        "the other player's notes",
        |kind| match kind {
            Kind::Notes(notes) if notes.sender_id == from_id => Some(()),
            _ => None,
        },
    )
    .await;
}

/// The text of each of the next `count` chat messages, with its id.
async fn chat_lines(client: &mut WsClient, count: usize) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    while lines.len() < count {
        let message = until(client, PATIENCE, "a chat message", |kind| match kind {
            Kind::Chat(message) => Some(message),
            _ => None,
        })
        .await;
        lines.push((message.id, message.text));
    }
    lines
}

/// A new player on `server` who has joined the Lobby, which makes their session stored (so
/// every instance knows their cookie); returns them, who they are and their cookie.
async fn remembered_player(server: &ServerProcess) -> (WsClient, Participant, String) {
    let (mut player, you) = server.connect(None).await;
    player.enter("Lobby").await;
    // Requests are handled in order: once the pong is back, the session has been stored.
    player.drain().await;
    let cookie = player
        .cookie
        .clone()
        .expect("the server sets a session cookie");
    (player, you, cookie)
}

/// Notes, chat, the player list and the owner are one room's, whichever instance a player is on.
#[tokio::test]
async fn players_on_two_instances_share_one_room() {
    let shared = Shared::new();
    let (a, b) = shared.two_instances(&[]).await;
    let (mut alice, alice_id) = a.connect(None).await;
    let (mut bob, bob_id) = b.connect(None).await;
    let (alice_id, bob_id) = (alice_id.id, bob_id.id);

    alice.create_room(room("Duet")).await;
    let joined = bob.enter("duet").await;
    let info = joined.room.unwrap();
    assert_eq!(info.name, "Duet");
    assert_eq!(info.owner_id, alice_id, "one owner");
    assert_eq!(ids(&joined.participants), set([&alice_id, &bob_id]));
    let arrived = until(&mut alice, PATIENCE, "bob's arrival", |kind| match kind {
        Kind::ParticipantJoined(joined) => Some(joined.participant.unwrap().id),
        _ => None,
    })
    .await;
    assert_eq!(arrived, bob_id);

    // Notes both ways, exactly as sent.
    alice.request(note(60)).await;
    let relayed = until(&mut bob, PATIENCE, "alice's notes", |kind| match kind {
        Kind::Notes(notes) => Some(notes),
        _ => None,
    })
    .await;
    assert_eq!(relayed.sender_id, alice_id);
    assert_eq!(relayed.batch.unwrap().events[0].key, 60);
    hears(&mut bob, &bob_id, &mut alice).await;

    // Both write at once; both read the same chat, in the same order.
    for n in 1..=3 {
        alice.request(chat(&format!("alice {n}"))).await;
        bob.request(chat(&format!("bob {n}"))).await;
    }
    let alice_reads = chat_lines(&mut alice, 6).await;
    let bob_reads = chat_lines(&mut bob, 6).await;
    assert_eq!(alice_reads, bob_reads, "one chat, one order");
    for writer in ["alice", "bob"] {
        let theirs: Vec<&str> = alice_reads
            .iter()
            .map(|(_, text)| text.as_str())
            .filter(|text| text.starts_with(writer))
            .collect();
        assert_eq!(theirs, [1, 2, 3].map(|n| format!("{writer} {n}")));
    }

    // A third player, on A, sees everyone and the same history; B hears of them.
    let (mut carol, carol_id) = a.connect(None).await;
    let joined = carol.enter("Duet").await;
    assert_eq!(joined.room.unwrap().owner_id, alice_id);
    assert_eq!(
        ids(&joined.participants),
        set([&alice_id, &bob_id, &carol_id.id])
    );
    let history: Vec<(String, String)> = joined
        .recent_chat
        .into_iter()
        .map(|message| (message.id, message.text))
        .collect();
    assert_eq!(history, alice_reads);
    let arrived = until(&mut bob, PATIENCE, "carol's arrival", |kind| match kind {
        Kind::ParticipantJoined(joined) => Some(joined.participant.unwrap().id),
        _ => None,
    })
    .await;
    assert_eq!(arrived, carol_id.id);

    // Bob leaves on B; both players on A see him go.
    bob.request(Request::Leave(LeaveRoom {})).await;
    for player in [&mut alice, &mut carol] {
        let left = until(player, PATIENCE, "bob leaving", |kind| match kind {
            Kind::ParticipantLeft(left) => Some(left.participant_id),
            _ => None,
        })
        .await;
        assert_eq!(left, bob_id);
    }
}

/// A name taken on one instance is taken on all, even when two race for it; the room list is
/// everyone's, with player counts, pushed and over HTTP.
#[tokio::test]
async fn room_names_and_the_room_list_are_global() {
    let shared = Shared::new();
    let (a, b) = shared.two_instances(&[]).await;
    let (mut watcher, _) = b.connect(None).await;
    watcher
        .request(Request::SubscribeRoomList(SubscribeRoomList {
            enabled: true,
        }))
        .await;

    let (mut alice, _) = a.connect(None).await;
    alice.create_room(room("Duet")).await;
    let (mut bob, _) = b.connect(None).await;
    bob.request(create(room("duet"))).await;
    assert_eq!(
        outcome(&mut bob).await.err(),
        Some(ErrorCode::RoomNameTaken)
    );

    // B's list shows A's room, and its player count follows a join on B.
    let count = |kind: Kind| match kind {
        Kind::RoomList(list) => list
            .rooms
            .into_iter()
            .find(|summary| summary.name == "Duet")
            .map(|summary| summary.player_count),
        _ => None,
    };
    let listed = until(&mut watcher, PATIENCE, "Duet in B's room list", count).await;
    assert_eq!(listed, 1);
    bob.enter("Duet").await;
    until(&mut watcher, PATIENCE, "Duet with 2 players", |kind| {
        (count(kind) == Some(2)).then_some(())
    })
    .await;
    let deadline = Instant::now() + PATIENCE;
    loop {
        let rooms: serde_json::Value = reqwest::get(b.url("/api/v1/rooms/active"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let duet = rooms
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Duet");
        if duet.is_some_and(|duet| duet["playerCount"] == 2) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "B's /api/v1/rooms/active: {rooms}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Two players on two instances ask for one new name at the same moment: one gets it.
    let (mut carol, _) = a.connect(None).await;
    let (mut dave, _) = b.connect(None).await;
    carol.request(create(room("Race"))).await;
    dave.request(create(room("RACE"))).await;
    let (carol_got, dave_got) = tokio::join!(outcome(&mut carol), outcome(&mut dave));
    let outcomes = [carol_got.map(|_| ()), dave_got.map(|_| ())];
    assert!(
        outcomes.contains(&Ok(())) && outcomes.contains(&Err(ErrorCode::RoomNameTaken)),
        "exactly one may have the name: {outcomes:?}"
    );
}

/// kill -9 of the instance holding a room: its players leave within 10 s, and within 10 s the
/// room runs on the other instance with its settings, owner, bans and chat, its players there
/// back in it and playing with newcomers.
#[tokio::test]
async fn a_room_outlives_the_instance_that_held_it() {
    let shared = Shared::new();
    let (a, b) = shared.two_instances(&[]).await;
    let (mut alice, alice_id) = a.connect(None).await;
    let alice_id = alice_id.id;
    let welcome = "still playing after the crash";
    alice
        .create_room(RoomSettingsUpdate {
            welcome_message: Some(welcome.into()),
            max_players: Some(5),
            ..room("Phoenix")
        })
        .await;

    // Mallory, on B, is banned for an hour.
    // (From an address of his own: a guest's ban covers their address.)
    let (mut mallory, mallory_id) = b.connect_from([127, 0, 0, 2].into()).await;
    mallory.enter("Phoenix").await;
    alice
        .request(Request::Ban(BanPlayer {
            participant_id: mallory_id.id,
            duration_seconds: 3600,
            site_wide: false,
        }))
        .await;
    until(&mut mallory, PATIENCE, "mallory's ban", |kind| {
        matches!(kind, Kind::RoomLeft(_)).then_some(())
    })
    .await;

    // Carol on A, Bob on B; everyone has read alice's message.
    let (mut carol, carol_id) = a.connect(None).await;
    let carol_id = carol_id.id;
    carol.enter("Phoenix").await;
    let (mut bob, bob_id) = b.connect(None).await;
    let bob_id = bob_id.id;
    let mut bob_view = ids(&bob.enter("Phoenix").await.participants);
    assert_eq!(bob_view, set([&alice_id, &bob_id, &carol_id]));
    let text = "said before the crash";
    alice.request(chat(text)).await;
    until(&mut bob, PATIENCE, "alice's message", |kind| {
        follow(&mut bob_view, &kind);
        matches!(kind, Kind::Chat(message) if message.text == text).then_some(())
    })
    .await;

    let killed = Instant::now();
    a.kill_9();
    drop((alice, carol));

    // Meanwhile Dave, new on B, keeps trying to join.
    let (mut dave, dave_id) = b.connect(None).await;
    let dave_id = dave_id.id;
    let join_deadline = killed + FAILOVER + PATIENCE;
    let (left_after, joined) = tokio::join!(
        view_until(
            &mut bob,
            &mut bob_view,
            FAILOVER + PATIENCE,
            "alice and carol leaving",
            |view| !view.contains(&alice_id) && !view.contains(&carol_id),
        ),
        async {
            let joined = join_by(&mut dave, "phoenix", join_deadline).await;
            (joined, killed.elapsed())
        },
    );
    let (joined, running_after) = joined;
    assert!(
        left_after <= FAILOVER,
        "the dead instance's players left after {left_after:?}"
    );
    assert!(
        running_after <= FAILOVER,
        "the room ran again after {running_after:?}"
    );

    // The room is the same room.
    let info = joined.room.unwrap();
    assert_eq!(info.name, "Phoenix");
    assert_eq!(info.welcome_message, welcome);
    assert_eq!(info.max_players, 5);
    assert!(
        info.owner_id == alice_id || [&bob_id, &dave_id].contains(&&info.owner_id),
        "the owner is the stored one or a player present, not {:?}",
        info.owner_id
    );
    assert!(
        joined
            .recent_chat
            .iter()
            .any(|message| message.text == text),
        "the chat history: {:?}",
        joined.recent_chat
    );
    mallory.join_room("Phoenix", None).await;
    assert_eq!(outcome(&mut mallory).await.err(), Some(ErrorCode::Banned));

    // Bob was put back by the server and plays with Dave.
    view_until(
        &mut bob,
        &mut bob_view,
        FAILOVER,
        "bob seeing dave",
        |view| view.contains(&bob_id) && view.contains(&dave_id),
    )
    .await;
    hears(&mut dave, &dave_id, &mut bob).await;
    hears(&mut bob, &bob_id, &mut dave).await;

    // A newcomer sees one player list: the players on the live instance.
    let (mut erin, erin_id) = b.connect(None).await;
    let joined = erin.enter("Phoenix").await;
    assert_eq!(
        ids(&joined.participants),
        set([&bob_id, &dave_id, &erin_id.id])
    );
}

/// kill -9 of the instance holding a room, and at once a newcomer on the other instance asks
/// once to join it (as a browser opening the room's address does): the holder still counts as
/// alive for a moment and will never answer, yet the newcomer is let in, with the players
/// there, within 10 s, and so is one who asks a little later.
#[tokio::test]
async fn a_newcomer_asking_once_right_after_kill_9_is_let_in() {
    let shared = Shared::new();
    let (a, b) = shared.two_instances(&[]).await;
    let (mut alice, _) = a.connect(None).await;
    alice.create_room(room("Phoenix")).await;
    let (mut bob, bob_id) = b.connect(None).await;
    let bob_id = bob_id.id;
    bob.enter("Phoenix").await;
    let (mut dave, dave_id) = b.connect(None).await;
    let dave_id = dave_id.id;

    let killed = Instant::now();
    a.kill_9();
    drop(alice);
    dave.join_room("Phoenix", None).await;
    let mut dave_view = match outcome(&mut dave).await {
        Ok(joined) => ids(&joined.participants),
        Err(code) => panic!(
            "the newcomer was refused ({code:?}) after {:?}",
            killed.elapsed()
        ),
    };
    view_until(
        &mut dave,
        &mut dave_view,
        FAILOVER.saturating_sub(killed.elapsed()),
        "bob and dave together in dave's list",
        |view| *view == set([&bob_id, &dave_id]),
    )
    .await;

    let (mut erin, erin_id) = b.connect(None).await;
    erin.join_room("Phoenix", None).await;
    let joined = outcome(&mut erin)
        .await
        .expect("the later newcomer is let in");
    assert_eq!(
        ids(&joined.participants),
        set([&bob_id, &dave_id, &erin_id.id])
    );
}

/// A wrong password to a private room a live instance holds is refused once: the room is
/// not looked for again, as it is while it moves, so a guess costs one check and the player
/// hears at once. Following it would add ten checks and 4.5 s of pauses to the refusal.
#[tokio::test]
async fn a_wrong_password_to_a_room_held_elsewhere_is_refused_at_once() {
    let shared = Shared::new();
    let (a, b) = shared.two_instances(&[]).await;
    let (mut alice, _) = a.connect(None).await;
    alice
        .create_room(RoomSettingsUpdate {
            private: Some(true),
            password: Some("open sesame".into()),
            ..room("Vault")
        })
        .await;
    let (mut bob, _) = b.connect(None).await;
    let asked = Instant::now();
    bob.join_room("Vault", Some("not it")).await;
    assert_eq!(outcome(&mut bob).await.err(), Some(ErrorCode::RoomNotFound));
    let refused_in = asked.elapsed();
    let asked = Instant::now();
    bob.join_room("Vault", Some("open sesame")).await;
    assert!(
        outcome(&mut bob).await.is_ok(),
        "the right password lets him in"
    );
    let let_in = asked.elapsed();
    assert!(
        refused_in < let_in + Duration::from_secs(3),
        "refused after {refused_in:?}, where one check and the way there took {let_in:?}"
    );
}

/// SIGTERM: the instance tells its players it is restarting; one comes back on the other
/// instance with the same cookie and is the same participant in the same room.
#[tokio::test]
async fn players_of_a_stopping_instance_move_to_another() {
    let shared = Shared::new();
    let (a, b) = shared.two_instances(&[]).await;
    let (mut alice, alice_before) = a.connect(None).await;
    let cookie = alice
        .cookie
        .clone()
        .expect("the server sets a session cookie");
    alice.create_room(room("Encore")).await;
    let (mut bob, bob_id) = b.connect(None).await;
    let bob_id = bob_id.id;
    let mut bob_view = ids(&bob.enter("encore").await.participants);

    a.send_sigterm();
    let goodbye = until(
        &mut alice,
        PATIENCE,
        "a disconnect notice",
        |kind| match kind {
            Kind::Disconnect(goodbye) => Some(goodbye),
            _ => None,
        },
    )
    .await;
    assert_eq!(goodbye.reason(), DisconnectReason::ServerRestarting);
    let status = a.wait();
    assert!(status.success(), "A exited with {status}");

    let (mut alice, alice_after) = b.connect(Some(&cookie)).await;
    assert_eq!(alice_after.id, alice_before.id, "the same player");
    let joined = join_by(&mut alice, "encore", Instant::now() + PATIENCE).await;
    let present: Vec<&str> = joined.participants.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        present.iter().filter(|id| **id == alice_after.id).count(),
        1,
        "alice once, as herself: {present:?}"
    );
    let mut alice_view = ids(&joined.participants);

    // Each hears the other; by then the room has told each that the other is there.
    let (_, meanwhile) = notes_reach(&mut alice, &alice_after.id, &mut bob, PATIENCE).await;
    for kind in &meanwhile {
        follow(&mut bob_view, kind);
    }
    assert!(
        bob_view.contains(&alice_after.id),
        "bob's list: {bob_view:?}"
    );
    let (_, meanwhile) = notes_reach(&mut bob, &bob_id, &mut alice, PATIENCE).await;
    for kind in &meanwhile {
        follow(&mut alice_view, kind);
    }
    assert!(alice_view.contains(&bob_id), "alice's list: {alice_view:?}");
}

/// MAX_CONNECTIONS_PER_SESSION counts a player's sockets on every instance.
#[tokio::test]
async fn the_connection_limit_counts_every_instance() {
    let shared = Shared::new();
    let (a, b) = shared
        .two_instances(&[("MAX_CONNECTIONS_PER_SESSION", "2")])
        .await;
    let (_first, you, cookie) = remembered_player(&a).await;
    let (second, again) = b.connect(Some(&cookie)).await;
    assert_eq!(again.id, you.id, "B knows the player");

    for server in [&a, &b] {
        let mut third = server.open(Some(&cookie)).await;
        match third.recv().await.kind {
            Some(Kind::Disconnect(goodbye)) => {
                assert_eq!(goodbye.reason(), DisconnectReason::TooManyConnections);
            }
            other => panic!("a third socket for {} was not refused: {other:?}", you.id),
        }
    }

    // Closing the tab on B gives its place back, on A too.
    drop(second);
    let deadline = Instant::now() + PATIENCE;
    loop {
        let mut client = a.open(Some(&cookie)).await;
        match client.recv().await.kind {
            Some(Kind::Welcome(_)) => break,
            Some(Kind::Disconnect(_)) => {}
            other => panic!("unexpected {other:?}"),
        }
        assert!(Instant::now() < deadline, "the closed socket still counts");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Join attempts draw on one allowance whichever instance they reach: a player whose
/// allowance is spent on A is refused on B too.
#[tokio::test]
async fn join_attempts_count_on_every_instance() {
    let shared = Shared::new();
    let url = shared.redis.url();
    // Three a minute: a burst of one.
    let env = [
        ("REDIS_URL", url.as_str()),
        ("BUS_SECRET", BUS_SECRET),
        ("JOIN_ATTEMPTS_PER_MINUTE", "3"),
    ];
    let start = || ServerProcess::start_with(shared.data.path(), shared.site.path(), &env);
    let (a, b) = tokio::join!(start(), start());
    // Joining the Lobby on A takes the one attempt there is.
    let (_on_a, _, cookie) = remembered_player(&a).await;
    let (mut on_b, _) = b.connect(Some(&cookie)).await;
    on_b.join_room("Lobby", None).await;
    assert_eq!(on_b.error_code().await, ErrorCode::RateLimited);
}

/// Chat draws on one allowance whichever instance holds the room: a player who spent it in
/// a room held by A is refused in a room held by B.
#[tokio::test]
async fn chat_counts_on_every_instance() {
    let shared = Shared::new();
    let url = shared.redis.url();
    // One message, then one every 100 s.
    let env = [
        ("REDIS_URL", url.as_str()),
        ("BUS_SECRET", BUS_SECRET),
        ("CHAT_BURST", "1"),
        ("CHAT_PER_SECOND", "0.01"),
    ];
    let start = || ServerProcess::start_with(shared.data.path(), shared.site.path(), &env);
    let (a, b) = tokio::join!(start(), start());
    let (mut on_a, _, cookie) = remembered_player(&a).await;
    on_a.create_room(room("Held by A")).await;
    let (mut on_b, _) = b.connect(Some(&cookie)).await;
    on_b.create_room(room("Held by B")).await;

    on_a.request(chat("the one message")).await;
    until(&mut on_a, PATIENCE, "the message shown", |kind| {
        matches!(kind, Kind::Chat(_)).then_some(())
    })
    .await;
    on_b.request(chat("one too many")).await;
    assert_eq!(on_b.error_code().await, ErrorCode::RateLimited);
}

/// Redis restarting mid-session: players are told, and once it is back (empty) the room
/// works across instances again within 15 s, whole.
#[tokio::test]
async fn a_redis_restart_is_survived() {
    let shared = Shared::new();
    let (a, b) = shared.two_instances(&[]).await;
    let (mut alice, alice_id) = a.connect(None).await;
    let alice_id = alice_id.id;
    alice.create_room(room("Storm")).await;
    let (mut bob, bob_id) = b.connect(None).await;
    let bob_id = bob_id.id;
    bob.enter("storm").await;
    hears(&mut alice, &alice_id, &mut bob).await;

    let port = shared.redis.stop();
    let told = |kind: Kind| match kind {
        Kind::Error(error) if error.message.contains("other servers") => Some(()),
        _ => None,
    };
    tokio::join!(
        until(
            &mut alice,
            REDIS_RECOVERY,
            "alice told of the lost bus",
            told
        ),
        until(&mut bob, REDIS_RECOVERY, "bob told of the lost bus", told),
    );

    let _redis = RedisServer::start_on(port);
    let back = Instant::now();
    notes_reach(&mut alice, &alice_id, &mut bob, REDIS_RECOVERY + PATIENCE).await;
    notes_reach(&mut bob, &bob_id, &mut alice, REDIS_RECOVERY + PATIENCE).await;
    let healed_after = back.elapsed();
    assert!(
        healed_after <= REDIS_RECOVERY,
        "notes crossed instances again after {healed_after:?}"
    );

    // The room is whole: its name, owner and players, and its name is still taken.
    let (mut carol, carol_id) = b.connect(None).await;
    let joined = carol.enter("STORM").await;
    let info = joined.room.unwrap();
    assert_eq!(info.name, "Storm");
    assert_eq!(info.owner_id, alice_id);
    assert_eq!(
        ids(&joined.participants),
        set([&alice_id, &bob_id, &carol_id.id])
    );
    let (mut dave, _) = b.connect(None).await;
    dave.request(create(room("storm"))).await;
    assert_eq!(
        outcome(&mut dave).await.err(),
        Some(ErrorCode::RoomNameTaken)
    );
}

/// A site ban given on one instance ends the player's connections on every instance.
#[tokio::test]
async fn a_site_ban_reaches_every_instance() {
    let shared = Shared::new();
    let provider = OAuthProvider::start().await;
    let (a, b) = shared.two_signing_in(&provider).await;

    // Bob signs in on A and plays on B.
    let bob = signed_in(&provider, a.address, "bob").await;
    let (mut bob_on_b, bob_id) = b.connect(bob.cookie().as_deref()).await;

    // An admin on A bans him from the site.
    let admin = signed_in(&provider, a.address, "root").await;
    let (mut admin_on_a, welcome) = a.connect(admin.cookie().as_deref()).await;
    assert_ne!(welcome.id, bob_id.id);
    admin_on_a
        .request(Request::Ban(BanPlayer {
            participant_id: bob_id.id.clone(),
            duration_seconds: 3600,
            site_wide: true,
        }))
        .await;

    let reason = goodbye(&mut bob_on_b, "bob's goodbye on B").await;
    assert_eq!(reason, DisconnectReason::BannedFromSite);
}

/// The OAuth settings that let the local provider sign players in, with `root-1` an admin.
fn oauth_env(provider: &OAuthProvider) -> Vec<(&'static str, String)> {
    let oauth = provider.providers();
    let local = oauth.get("local").unwrap();
    vec![
        ("OAUTH_LOCAL_CLIENT_ID", "pianorhythm".to_owned()),
        ("OAUTH_LOCAL_CLIENT_SECRET", "secret".to_owned()),
        ("OAUTH_LOCAL_AUTH_URL", local.auth_url.clone()),
        ("OAUTH_LOCAL_TOKEN_URL", local.token_url.clone()),
        ("OAUTH_LOCAL_USERINFO_URL", local.userinfo_url.clone()),
        ("OAUTH_LOCAL_SCOPES", "openid profile".to_owned()),
        ("ADMINS", "local:root-1".to_owned()),
    ]
}

/// Signs `handle` in at `address` through the local provider; `root` is the admin.
async fn signed_in(
    provider: &OAuthProvider,
    address: std::net::SocketAddr,
    handle: &str,
) -> Browser {
    let browser = Browser::at(address);
    browser.visit().await;
    let claims = serde_json::json!({ "sub": format!("{handle}-1"), "preferred_username": handle, "name": handle });
    browser.sign_in(provider, claims, handle).await;
    browser
}

/// What a test keeps alive while it runs: Redis, the shared store and the OAuth provider.
type Kept = (Shared, OAuthProvider);

/// Two instances signing in through one local provider, with Mia signed in on A and Bob on B.
async fn mia_on_a_and_bob_on_b() -> (Kept, ServerProcess, ServerProcess, Browser, Browser) {
    let shared = Shared::new();
    let provider = OAuthProvider::start().await;
    let (a, b) = shared.two_signing_in(&provider).await;
    let mia = signed_in(&provider, a.address, "mia").await;
    let bob = signed_in(&provider, b.address, "bob").await;
    ((shared, provider), a, b, mia, bob)
}

/// Gives an account exactly these roles, as an admin does.
async fn set_roles(admin: &Browser, id: &str, roles: &[&str]) {
    let response = admin
        .http
        .put(admin.url(&format!("/api/v1/users/{id}/roles")))
        .json(&serde_json::json!({ "roles": roles }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

fn kick(participant_id: &str) -> Request {
    Request::Kick(KickPlayer {
        participant_id: participant_id.to_owned(),
    })
}

/// The reason of the next goodbye, skipping anything else.
async fn goodbye(client: &mut WsClient, what: &str) -> DisconnectReason {
    until(client, PATIENCE, what, |kind| match kind {
        Kind::Disconnect(goodbye) => Some(goodbye.reason()),
        _ => None,
    })
    .await
}

/// A moderator demoted on one instance loses their powers on every instance: their open
/// connection there is ended, and once connected again they cannot kick.
#[tokio::test]
async fn a_role_taken_away_reaches_open_connections_on_every_instance() {
    let shared = Shared::new();
    let provider = OAuthProvider::start().await;
    let (a, b) = shared.two_signing_in(&provider).await;

    let admin = signed_in(&provider, a.address, "root").await;
    let moe = signed_in(&provider, a.address, "moe").await;
    let (mut moe_on_b, moe_id) = b.connect(moe.cookie().as_deref()).await;
    set_roles(&admin, &moe_id.id, &["moderator"]).await;
    // The promotion itself ends the old connection: the new one carries the role.
    assert_eq!(
        goodbye(&mut moe_on_b, "moe's goodbye on promotion").await,
        DisconnectReason::RolesChanged
    );
    let (mut moe_on_b, _) = b.connect(moe.cookie().as_deref()).await;
    let (mut gus, gus_id) = b.connect(None).await;
    gus.create_room(room("Den")).await;
    let (mut hal, hal_id) = b.connect(None).await;
    hal.enter("Den").await;
    moe_on_b.enter("Den").await;

    // Demoted on A: moe's connection on B ends at once, saying why.
    set_roles(&admin, &moe_id.id, &[]).await;
    assert_eq!(
        goodbye(&mut moe_on_b, "moe's goodbye on B").await,
        DisconnectReason::RolesChanged
    );

    // Connected again, moe is a member: the owner's guest cannot be kicked by him.
    let (mut moe_on_b, _) = b.connect(moe.cookie().as_deref()).await;
    moe_on_b.enter("Den").await;
    moe_on_b.request(kick(&hal_id.id)).await;
    assert_eq!(moe_on_b.error_code().await, ErrorCode::NotAllowed);
    // The owner still can: the room's moderation itself is unchanged.
    gus.request(kick(&hal_id.id)).await;
    until(&mut hal, PATIENCE, "hal kicked by the owner", |kind| {
        matches!(kind, Kind::RoomLeft(_)).then_some(())
    })
    .await;
    assert_ne!(gus_id.id, moe_id.id);
}

/// A staff action is checked against the role as stored, not the connection's copy: with the
/// bus cut (the demotion's message lost), a demoted moderator's kick from a connection opened
/// before is refused, and that connection ends.
#[tokio::test]
async fn a_demoted_moderator_cannot_kick_from_a_connection_opened_before() {
    let shared = Shared::new();
    let provider = OAuthProvider::start().await;
    let link = CuttableLink::start(shared.redis.address()).await;
    let env = oauth_env(&provider);
    let start = |redis_url: String| {
        let (data, site, env) = (shared.data.path(), shared.site.path(), env.clone());
        async move {
            let mut env: Vec<_> = env
                .iter()
                .map(|(key, value)| (*key, value.as_str()))
                .collect();
            env.push(("REDIS_URL", redis_url.as_str()));
            env.push(("BUS_SECRET", BUS_SECRET));
            ServerProcess::start_with(data, site, &env).await
        }
    };
    let a = start(shared.redis.url()).await;
    let b = start(RedisServer::url_at(link.address)).await;

    let admin = signed_in(&provider, a.address, "root").await;
    let moe = signed_in(&provider, a.address, "moe").await;
    let (_, moe_id) = b.connect(moe.cookie().as_deref()).await;
    set_roles(&admin, &moe_id.id, &["moderator"]).await;
    let (mut moe_on_b, _) = b.connect(moe.cookie().as_deref()).await;
    let (mut gus, _) = b.connect(None).await;
    gus.create_room(room("Den")).await;
    let (mut hal, hal_id) = b.connect(None).await;
    hal.enter("Den").await;
    moe_on_b.enter("Den").await;

    // B cannot hear the bus; the demotion on A is stored, its message never reaches B.
    link.cut();
    set_roles(&admin, &moe_id.id, &[]).await;
    moe_on_b.request(kick(&hal_id.id)).await;
    // (B tells its players it lost the other instances: that notice comes first.)
    until(
        &mut moe_on_b,
        PATIENCE,
        "the kick refused",
        |kind| match kind {
            Kind::Error(error) if error.code() == ErrorCode::NotAllowed => Some(()),
            _ => None,
        },
    )
    .await;
    assert_eq!(
        goodbye(&mut moe_on_b, "moe's goodbye").await,
        DisconnectReason::RolesChanged
    );
    // Hal is still in the room: his chat reaches the owner.
    hal.request(chat("still here")).await;
    until(&mut gus, PATIENCE, "hal's chat", |kind| match kind {
        Kind::Chat(message) if message.text == "still here" => Some(()),
        _ => None,
    })
    .await;
}

/// An instance cut off from Redis for longer than its presence lasts is taken for gone: its
/// room moves to the other instance. When the link is back, it hands its stale copy over and
/// its player joins the room where it lives now: one room again, each note heard once.
#[tokio::test]
async fn an_instance_cut_off_from_redis_hands_its_rooms_over_when_back() {
    let shared = Shared::new();
    let link = CuttableLink::start(shared.redis.address()).await;
    let start = |redis_url: String| {
        let (data, site) = (shared.data.path(), shared.site.path());
        async move {
            let env = [
                ("REDIS_URL", redis_url.as_str()),
                ("BUS_SECRET", BUS_SECRET),
                ("JOIN_ATTEMPTS_PER_MINUTE", "600"),
            ];
            ServerProcess::start_with(data, site, &env).await
        }
    };
    let a = start(RedisServer::url_at(link.address)).await;
    let b = start(shared.redis.url()).await;

    let (mut alice, alice_id) = a.connect(None).await;
    let alice_id = alice_id.id;
    alice.create_room(room("Island")).await;
    let (mut bob, bob_id) = b.connect(None).await;
    let bob_id = bob_id.id;
    let mut bob_view = ids(&bob.enter("Island").await.participants);
    assert_eq!(bob_view, set([&alice_id, &bob_id]));

    // A loses Redis: Alice is told; B takes A for gone and adopts the room, Bob with it.
    link.cut();
    until(
        &mut alice,
        PATIENCE,
        "word of the lost link",
        |kind| match kind {
            Kind::Error(error) if error.message.contains("other servers") => Some(()),
            _ => None,
        },
    )
    .await;
    view_until(
        &mut bob,
        &mut bob_view,
        FAILOVER,
        "alice taken for gone",
        |view| *view == set([&bob_id]),
    )
    .await;

    // The link is back: Alice ends up in the room B holds, beside Bob.
    link.restore();
    view_until(
        &mut bob,
        &mut bob_view,
        FAILOVER + PATIENCE,
        "alice back",
        |view| *view == set([&alice_id, &bob_id]),
    )
    .await;
    let (_, _) = notes_reach(&mut alice, &alice_id, &mut bob, PATIENCE).await;
    // Each note once: a stale copy of the room on A would send it a second time.
    bob.drain().await;
    alice.request(note(67)).await;
    let heard = arriving_within(&mut bob, Duration::from_secs(1))
        .await
        .into_iter()
        .filter(|kind| matches!(kind, Kind::Notes(notes) if notes.sender_id == alice_id))
        .count();
    assert_eq!(heard, 1, "alice's note reached bob {heard} times");
    // And Bob is heard by Alice.
    hears(&mut bob, &bob_id, &mut alice).await;
}

/// `pianorhythm_bus_rejected_total` on the server whose metrics listen at `metrics`.
async fn bus_rejected(metrics: std::net::SocketAddr) -> u64 {
    let text = reqwest::get(format!("http://{metrics}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|line| line.starts_with("pianorhythm_bus_rejected_total{"))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

/// Anyone who can publish on Redis can write an envelope: one that tells every instance to
/// close a player's connections, as a site-wide ban does. Unsigned, signed with another
/// secret or cut short, it is dropped and counted, and the player plays on with a player on
/// the other instance; sealed with the deployment's BUS_SECRET, the same envelope closes
/// the connection (so the dropped ones would have, were they believed).
#[tokio::test]
async fn forged_envelopes_on_redis_are_dropped_and_counted() {
    use pianorhythm_cluster::{bus::wire, BusKey};

    let shared = Shared::new();
    let url = shared.redis.url();
    // B's metrics on an address of its own: a port merely found free on 127.0.0.1 may be
    // taken meanwhile by another test's server (which picks any free port there).
    let metrics_b = std::net::TcpListener::bind("127.0.0.2:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let metrics_b_text = metrics_b.to_string();
    let env = |metrics: &str| {
        vec![
            ("REDIS_URL", url.clone()),
            ("BUS_SECRET", BUS_SECRET.to_owned()),
            ("METRICS_ADDR", metrics.to_owned()),
        ]
    };
    let start = |env: Vec<(&'static str, String)>| {
        let (data, site) = (shared.data.path(), shared.site.path());
        async move {
            let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ServerProcess::start_with(data, site, &env).await
        }
    };
    let (a, b) = tokio::join!(start(env("127.0.0.1:0")), start(env(&metrics_b_text)));
    let (mut alice, alice_id) = a.connect(None).await;
    alice.create_room(room("Forgery")).await;
    let (mut bob, bob_id) = b.connect(None).await;
    bob.enter("forgery").await;
    hears(&mut alice, &alice_id.id, &mut bob).await;

    let close_bob = wire::Envelope {
        from: "forger".to_owned(),
        items: vec![wire::Item {
            kind: Some(wire::item::Kind::ClosePlayer(bob_id.id.clone())),
        }],
    }
    .encode_to_vec();
    let channel = "pianorhythm:everyone";
    let sealed = BusKey::new(BUS_SECRET).unwrap().seal(channel, &close_bob);
    let other_secret = BusKey::new("another-secret-0123456789abcdef0123456789")
        .unwrap()
        .seal(channel, &close_bob);
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut redis = client.get_multiplexed_async_connection().await.unwrap();
    let before = bus_rejected(metrics_b).await;
    for forged in [
        close_bob.clone(),
        other_secret,
        sealed[..sealed.len() - 1].to_vec(),
    ] {
        let receivers = redis::cmd("PUBLISH")
            .arg(channel)
            .arg(forged)
            .query_async::<u64>(&mut redis)
            .await
            .unwrap();
        assert_eq!(receivers, 2, "both instances listen on {channel}");
    }

    let deadline = Instant::now() + PATIENCE;
    while bus_rejected(metrics_b).await < before + 3 {
        assert!(
            Instant::now() < deadline,
            "B counted {} forged envelopes of 3, {before} before",
            bus_rejected(metrics_b).await - before
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Bob is still in the room, and still hears Alice across the instances.
    hears(&mut alice, &alice_id.id, &mut bob).await;

    redis::cmd("PUBLISH")
        .arg(channel)
        .arg(sealed)
        .query_async::<u64>(&mut redis)
        .await
        .unwrap();
    let reason = goodbye(&mut bob, "bob's goodbye on B").await;
    assert_eq!(reason, DisconnectReason::BannedFromSite);
}

/// One round: the troll plays and says `spam <n>`; once the troll has their echo, the
/// bystander says `mark <n>`. Answers whether the listener got anything of the troll's before
/// the mark (everything from the room reaches them in order).
async fn troll_heard_before_mark(
    troll: &mut WsClient,
    bystander: &mut WsClient,
    listener: &mut WsClient,
    troll_id: &str,
    n: u32,
) -> bool {
    let (spam, mark) = (format!("spam {n}"), format!("mark {n}"));
    troll.request(note(60)).await;
    troll.request(chat(&spam)).await;
    until(troll, PATIENCE, "the troll's echo", |kind| match kind {
        Kind::Chat(message) if message.text == spam => Some(()),
        _ => None,
    })
    .await;
    bystander.request(chat(&mark)).await;
    let mut heard = false;
    until(
        listener,
        PATIENCE,
        "the bystander's mark",
        |kind| match kind {
            Kind::Chat(message) if message.text == mark => Some(()),
            Kind::Chat(message) if message.text == spam => {
                heard = true;
                None
            }
            Kind::Notes(notes) if notes.sender_id == troll_id => {
                heard = true;
                None
            }
            _ => None,
        },
    )
    .await;
    heard
}

/// A block made over HTTP on one instance reaches the blocker's socket on the other at once,
/// and through it their room, held by the first; a socket that joins later carries the list
/// over the bus with its join.
#[tokio::test]
async fn a_block_reaches_the_blockers_sockets_and_room_on_every_instance() {
    let shared = Shared::new();
    let (a, b) = shared.two_instances(&[("CHAT_BURST", "1000")]).await;
    let (mut troll, troll_you) = a.connect(None).await;
    troll.create_room(room("Quiet")).await;
    let (mut ana, _, cookie) = remembered_player(&b).await;
    ana.enter("Quiet").await;
    let (mut bo, _) = b.connect(None).await;
    bo.enter("Quiet").await;
    assert!(troll_heard_before_mark(&mut troll, &mut bo, &mut ana, &troll_you.id, 0).await);

    let on_a = Browser::at(a.address);
    on_a.set_cookie(&cookie);
    let blocked = on_a
        .http
        .post(on_a.url("/api/v1/blocks"))
        .json(&serde_json::json!({ "playerId": troll_you.id, "name": "Troll" }))
        .send()
        .await
        .unwrap();
    assert_eq!(blocked.status(), reqwest::StatusCode::CREATED);
    // The block crosses the bus twice (to Ana's socket on B, then to the room on A): it holds
    // within a round or two, and from then on for good.
    let deadline = Instant::now() + PATIENCE;
    let mut n = 1;
    while troll_heard_before_mark(&mut troll, &mut bo, &mut ana, &troll_you.id, n).await {
        assert!(
            Instant::now() < deadline,
            "the block never reached the room"
        );
        n += 1;
    }
    for n in n + 1..n + 4 {
        assert!(!troll_heard_before_mark(&mut troll, &mut bo, &mut ana, &troll_you.id, n).await);
    }
    // A second tab on B joins with the list: the troll's lines are not in its history.
    let (mut second_tab, _) = b.connect(Some(&cookie)).await;
    let history: Vec<String> = second_tab
        .enter("Quiet")
        .await
        .recent_chat
        .into_iter()
        .map(|message| message.text)
        .collect();
    assert!(history.iter().any(|line| line.starts_with("mark")));
    assert!(
        !history.iter().any(|line| line.starts_with("spam")),
        "{history:?}"
    );
    assert!(
        !troll_heard_before_mark(&mut troll, &mut bo, &mut second_tab, &troll_you.id, 99).await
    );
}

/// Where a friend is crosses instances within two seconds: Mia plays on A, her friend Bo
/// watches on B.
#[tokio::test]
async fn a_friends_whereabouts_reach_them_on_another_instance() {
    let (_kept, a, b, mia, bob) = mia_on_a_and_bob_on_b().await;
    befriend(&mia, &bob).await;

    let (mut bob_on_b, _) = b.connect(bob.cookie().as_deref()).await;
    let (mut mia_on_a, mia_you) = a.connect(mia.cookie().as_deref()).await;
    let online = friend_presence(&mut bob_on_b, &mia_you.id).await;
    assert_eq!(
        online.state(),
        pianorhythm_core::protocol::presence::State::Online
    );
    mia_on_a.enter("Lobby").await;
    let in_room = friend_presence(&mut bob_on_b, &mia_you.id).await;
    assert_eq!(in_room.room_name, "Lobby");
    drop(mia_on_a);
    let gone = friend_presence(&mut bob_on_b, &mia_you.id).await;
    assert_eq!(
        gone.state(),
        pianorhythm_core::protocol::presence::State::Offline
    );
}

/// Friends made on one instance are told the moves of a member connected to another, whose
/// connection had kept the list of friends from before: Mia plays on A, Bob accepts her on B.
#[tokio::test]
async fn friends_made_on_one_instance_are_told_moves_made_on_another() {
    let (_kept, a, b, mia, bob) = mia_on_a_and_bob_on_b().await;
    let (mut bob_on_b, _) = b.connect(bob.cookie().as_deref()).await;
    let (mut mia_on_a, mia_you) = a.connect(mia.cookie().as_deref()).await;
    // Mia's first move: her friends (none) are read on A, and kept.
    mia_on_a.enter("Lobby").await;
    befriend(&mia, &bob).await;
    assert_eq!(
        friend_presence(&mut bob_on_b, &mia_you.id).await.room_name,
        "Lobby"
    );
    // The news crosses the bus while Mia moves: within two seconds a move of hers reaches
    // Bob, and every move after it.
    let den = RoomSettingsUpdate {
        name: Some("Den".into()),
        ..Default::default()
    };
    mia_on_a.create_room(den).await;
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut room = "Den";
    while !told_in(&mut bob_on_b, &mia_you.id, room, Duration::from_millis(200)).await {
        assert!(
            Instant::now() < deadline,
            "no move of Mia's reached Bob within 2 s"
        );
        room = if room == "Den" { "Lobby" } else { "Den" };
        mia_on_a.enter(room).await;
    }
    for room in ["Lobby", "Den"] {
        mia_on_a.enter(room).await;
        assert!(told_in(&mut bob_on_b, &mia_you.id, room, Duration::from_secs(2)).await);
    }
}

/// Mia asks Bob to be friends and Bob accepts, each through the instance they signed in on.
async fn befriend(mia: &Browser, bob: &Browser) {
    let asked = mia
        .http
        .post(mia.url("/api/v1/friends"))
        .json(&serde_json::json!({ "usertag": "bob" }))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), reqwest::StatusCode::CREATED);
    let accepted = bob
        .http
        .post(bob.url("/api/v1/friends/mia/accept"))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), reqwest::StatusCode::OK);
}

/// Whether `client` is told, within `window`, that `friend` is in `room`.
async fn told_in(client: &mut WsClient, friend: &str, room: &str, window: Duration) -> bool {
    let deadline = Instant::now() + window;
    while let Some(kind) = next_before(client, deadline).await {
        if let Kind::FriendPresence(update) = kind {
            let there = update
                .presence
                .is_some_and(|presence| presence.room_name == room);
            if update.player_id == friend && there {
                return true;
            }
        }
    }
    false
}

/// A name changed on one instance is the name a member's tab on another shows its room: Mia
/// renames herself through A while her tab on B is in the Lobby with Bob.
#[tokio::test]
async fn a_changed_name_reaches_the_members_tabs_on_another_instance() {
    let (_kept, _a, b, mia, bob) = mia_on_a_and_bob_on_b().await;
    let (mut mia_on_b, mia_you) = b.connect(mia.cookie().as_deref()).await;
    let (mut bob_on_b, _) = b.connect(bob.cookie().as_deref()).await;
    mia_on_b.enter("Lobby").await;
    bob_on_b.enter("Lobby").await;
    let renamed = mia
        .http
        .put(mia.url("/api/v1/users/profile"))
        .json(&serde_json::json!({ "username": "Mia Rose" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), reqwest::StatusCode::OK);
    let shown = until(
        &mut bob_on_b,
        Duration::from_secs(2),
        "Mia's new name",
        |kind| match kind {
            Kind::ParticipantUpdated(update) => update
                .participant
                .filter(|participant| participant.id == mia_you.id)
                .map(|participant| participant.name),
            _ => None,
        },
    )
    .await;
    assert_eq!(shown, "Mia Rose");
}

#[tokio::test]
async fn a_direct_message_reaches_its_reader_on_another_instance() {
    let (_kept, _a, b, mia, bob) = mia_on_a_and_bob_on_b().await;
    let (mut bob_on_b, _) = b.connect(bob.cookie().as_deref()).await;
    let (mut mia_on_b, _) = b.connect(mia.cookie().as_deref()).await;
    let sent = mia
        .http
        .post(mia.url("/api/v1/messages/bob"))
        .json(&serde_json::json!({ "text": "over here" }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), reqwest::StatusCode::CREATED);
    let arrived = message_arriving(&mut bob_on_b).await;
    assert_eq!(arrived.message_text, "over here");
    assert_eq!(arrived.unread_conversations, 1);
    assert_eq!(arrived.notice, "mia sent you a message");
    // The sender's tab on the other instance shows it too.
    let echoed = message_arriving(&mut mia_on_b).await;
    assert_eq!(echoed.message_text, "over here");
}

/// The next inbox change carrying a message that `client` is sent, within two seconds.
async fn message_arriving(client: &mut WsClient) -> pianorhythm_core::protocol::Inbox {
    until(
        client,
        Duration::from_secs(2),
        "a message",
        |kind| match kind {
            Kind::Inbox(inbox) if !inbox.message_id.is_empty() => Some(inbox),
            _ => None,
        },
    )
    .await
}

/// The next whereabouts of `friend` that `client` is sent, within two seconds.
async fn friend_presence(
    client: &mut WsClient,
    friend: &str,
) -> pianorhythm_core::protocol::Presence {
    until(
        client,
        Duration::from_secs(2),
        "a friend's whereabouts",
        |kind| match kind {
            Kind::FriendPresence(update) if update.player_id == friend => update.presence,
            _ => None,
        },
    )
    .await
}

#[tokio::test]
async fn a_room_made_through_the_api_on_one_instance_is_entered_and_left_from_the_other() {
    let shared = Shared::new();
    let provider = OAuthProvider::start().await;
    let (a, b) = shared.two_signing_in(&provider).await;
    // Tokens name the instance that issued them (`iss`, from PUBLIC_URL, which differs
    // between these two): each is used where it was issued.
    let mia = token_of(&signed_in(&provider, a.address, "mia").await).await;
    let bob = token_of(&signed_in(&provider, b.address, "bob").await).await;
    let bob_on_a = signed_in(&provider, a.address, "bob").await;
    let http = reqwest::Client::new();
    let post = |url: String, token: &str, body: serde_json::Value| {
        let request = http.post(url).bearer_auth(token).json(&body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            (status, response.json::<serde_json::Value>().await.ok())
        }
    };

    let (status, room) = post(
        a.url("/api/v1/rooms/create"),
        &mia,
        serde_json::json!({"name": "Far away", "password": "keys"}),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{room:?}");
    let id = room.unwrap()["id"].as_str().unwrap().to_owned();
    // Bob asks instance B, which checks the password with the room on A.
    let join = b.url(&format!("/api/v1/rooms/{id}/join"));
    let (status, _) = post(join.clone(), &bob, serde_json::json!({"password": "lock"})).await;
    assert_eq!(status, reqwest::StatusCode::FORBIDDEN);
    let (status, ticket) = post(join, &bob, serde_json::json!({"password": "keys"})).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let ticket = ticket.unwrap()["ticket"].as_str().unwrap().to_owned();
    let path = format!("/ws?v=1&ticket={ticket}");
    let bearer = format!("Bearer {bob}");
    let headers = [("authorization", bearer.as_str())];
    let mut bob_on_b = common::connect_ws_with_headers(b.address, &path, &headers).await;
    let joined = until(
        &mut bob_on_b,
        Duration::from_secs(5),
        "the room",
        |kind| match kind {
            Kind::RoomJoined(joined) => Some(joined),
            Kind::Error(error) => panic!("expected to join, got {error:?}"),
            _ => None,
        },
    )
    .await;
    assert_eq!(joined.room.unwrap().id, id);

    // Leaving, asked of instance A, reaches Bob's connection on B.
    let left = bob_on_a.post(&format!("/api/v1/rooms/{id}/leave")).await;
    assert_eq!(left.status(), reqwest::StatusCode::NO_CONTENT);
    until(&mut bob_on_b, Duration::from_secs(2), "leaving", |kind| {
        matches!(kind, Kind::RoomLeft(_)).then_some(())
    })
    .await;
}

/// A fresh access token for the browser's signed-in account.
async fn token_of(browser: &Browser) -> String {
    let pair = browser.post("/api/v1/auth/token").await;
    assert_eq!(pair.status(), reqwest::StatusCode::OK);
    let pair: serde_json::Value = pair.json().await.unwrap();
    pair["accessToken"].as_str().unwrap().to_owned()
}

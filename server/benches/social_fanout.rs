//! Presence fan-out and direct messages next to the relay's: how long after a member moves
//! (joins another room) each of their 200 online friends is told (and each of 99, for a member
//! with as many friends as the relay has listeners), and how long a direct message takes from
//! being sent (over HTTP or a socket, stored, then pushed) to its reader's socket while 20
//! members write to that reader at once, compared in the same run with how long a note takes
//! to reach each of 99 listeners in the Lobby (the largest room).
//!
//! `cargo bench -p server --bench social_fanout` (a real server in this process, signing its
//! members in through the test suite's local OAuth provider). Prints p50, p99 and max in ms
//! for one recipient and for the last recipient of each round, and the ratios to the relay.
//! A benchmark, not a test: it asserts nothing about speed; compare the rows within one run.

#[path = "../tests/common/mod.rs"]
mod common;
#[allow(dead_code)]
#[path = "../tests/support"]
mod support {
    pub mod browser;
    pub mod oauth_provider;
}

use std::time::{Duration, Instant};

use common::{TestServer, WsClient};
use futures_util::future::join_all;
use hdrhistogram::Histogram;
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, CreateRoom, NoteBatch, NoteEvent,
    NoteEventKind, RoomSettingsUpdate, SendDirectMessage,
};
use pianorhythm_store::{now_millis, Store, StoreConfig};
use support::{
    browser::{member, Browser},
    oauth_provider::OAuthProvider,
};

/// Friends online, each told when the star moves.
const FRIENDS: usize = 200;
/// Listeners of a note: the Lobby holds 100 players, the player who plays included.
const LISTENERS: usize = 99;
/// Members writing to the star at once, each round of the messages' phase.
const WRITERS: usize = 20;
/// Moves and notes measured, after a few to warm up.
const ROUNDS: usize = 200;
const WARM_UP: usize = 5;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let provider = OAuthProvider::start().await;
    let providers = provider.providers();
    let server = TestServer::start_ready_with(move |config| {
        config.accounts.providers = providers;
        config.http.burst = 100_000;
        config.limits.joins_per_minute = 100_000.0;
        config.limits.rooms_per_minute = 100.0;
        config.message_quota.burst = 100_000;
        config.message_quota.per_day = 100_000;
    })
    .await;
    eprintln!("signing in {} members…", FRIENDS + 2);
    let (star, star_id) = member(&server, &provider, "star").await;
    let mut friends = Vec::with_capacity(FRIENDS);
    for n in 0..FRIENDS {
        friends.push(member(&server, &provider, &format!("fan{n:03}")).await);
    }
    let store = Store::open(&StoreConfig::Embedded {
        data_dir: server.data.path().to_owned(),
    })
    .await
    .unwrap();
    befriend(&store, &star_id, &friends).await;
    let mut sockets = Vec::with_capacity(FRIENDS);
    for (browser, _) in &friends {
        sockets.push(browser.connect().await.0);
    }
    let (mut star_socket, _) = star.connect().await;
    settle(&mut sockets).await;

    // Presence: the star goes back and forth between two rooms, then a member with as many
    // friends as the relay has listeners does.
    let presence = moves(&mut star_socket, &star_id, "Stage", &mut sockets, FRIENDS).await;
    let (mut duo_socket, duo_id) = {
        let (duo, duo_id) = member(&server, &provider, "duo").await;
        befriend(&store, &duo_id, &friends[..LISTENERS]).await;
        (duo.connect().await.0, duo_id)
    };
    settle(&mut sockets).await;
    let duo_presence = moves(&mut duo_socket, &duo_id, "Duet", &mut sockets, LISTENERS).await;

    // The relay: the star and 99 friends in the Lobby; the star plays one note a round.
    star_socket.enter("Lobby").await;
    let listeners = &mut sockets[..LISTENERS];
    join_all(listeners.iter_mut().map(|socket| socket.enter("Lobby"))).await;
    settle(listeners).await;
    let mut relay = Histograms::default();
    for round in 0..WARM_UP + ROUNDS {
        let started = Instant::now();
        star_socket.request(note(21 + (round % 88) as u32)).await;
        let star_id = star_id.clone();
        let played =
            move |kind: &Kind| matches!(kind, Kind::Notes(notes) if notes.sender_id == star_id);
        let arrivals = arrivals_at(&mut sockets, LISTENERS, started, played).await;
        if round >= WARM_UP {
            relay.record(&arrivals);
        }
        // One note in flight at a time, well under the note quota.
        tokio::time::sleep(Duration::from_millis(150)).await;
    }

    // Messages: 20 friends write to the star at once, over the REST API (as other programs
    // do), then over their sockets (as the site's pages do); each message's time to the
    // star's socket.
    let mut over_http = Histograms::default();
    for round in 0..WARM_UP + ROUNDS {
        let started = Instant::now();
        let sent = join_all(friends[..WRITERS].iter().map(|(browser, _)| async move {
            let url = browser.url("/api/v1/messages/star");
            let form = serde_json::json!({ "text": format!("round {round}") });
            let answer = browser.http.post(url).json(&form).send().await.unwrap();
            assert!(answer.status().is_success());
        }));
        let (_, arrivals) = tokio::join!(sent, arrivals(&mut star_socket, started));
        if round >= WARM_UP {
            over_http.record(&arrivals);
        }
    }
    let mut over_socket = Histograms::default();
    for round in 0..WARM_UP + ROUNDS {
        let started = Instant::now();
        let sent = join_all(sockets[..WRITERS].iter_mut().map(|socket| {
            socket.request(Request::SendMessage(SendDirectMessage {
                usertag: "star".into(),
                text: format!("round {round}"),
                request_id: round as u32,
            }))
        }));
        let (_, arrivals) = tokio::join!(sent, arrivals(&mut star_socket, started));
        if round >= WARM_UP {
            over_socket.record(&arrivals);
        }
        settle(&mut sockets[..WRITERS]).await;
    }

    println!(
        "{:<58} {:>8} {:>8} {:>8}",
        "fan-out (ms)", "p50", "p99", "max"
    );
    presence.print(&format!("presence, to each of {FRIENDS} friends"), &relay);
    duo_presence.print(&format!("presence, to each of {LISTENERS} friends"), &relay);
    over_http.print(
        &format!("direct messages over HTTP, {WRITERS} writers at once"),
        &relay,
    );
    over_socket.print(
        &format!("direct messages over sockets, {WRITERS} writers at once"),
        &relay,
    );
    relay.print(
        &format!("note relay, to each of {LISTENERS} listeners"),
        &relay,
    );
}

/// Makes `member` and each of `friends` friends, straight in the store: over HTTP the
/// request allowance would take days.
async fn befriend(store: &Store, member: &str, friends: &[(Browser, String)]) {
    for (_, id) in friends {
        let now = now_millis();
        store.friends.request(member, id, now).await.unwrap();
        store.friends.accept(id, member, now).await.unwrap();
    }
}

/// `mover` goes back and forth between two rooms named after `rooms`; when each of the first
/// `count` of `sockets` (their friends) is told of each move.
async fn moves(
    mover: &mut WsClient,
    mover_id: &str,
    rooms: &str,
    sockets: &mut Vec<WsClient>,
    count: usize,
) -> Histograms {
    let mut presence = Histograms::default();
    for round in 0..WARM_UP + ROUNDS {
        let room = format!("{rooms} {}", round % 2);
        let started = Instant::now();
        if round < 2 {
            mover
                .request(Request::Create(CreateRoom {
                    settings: Some(RoomSettingsUpdate {
                        name: Some(room.clone()),
                        ..Default::default()
                    }),
                }))
                .await;
        } else {
            mover.join_room(&room, None).await;
        }
        let mover_id = mover_id.to_owned();
        let moved = move |kind: &Kind| matches!(kind, Kind::FriendPresence(update) if update.player_id == mover_id);
        let arrivals = arrivals_at(sockets, count, started, moved).await;
        if round >= WARM_UP {
            presence.record(&arrivals);
        }
        mover.drain().await;
    }
    presence
}

/// The time since `started` at which each of the first `count` of `sockets` is told what
/// `told` picks. Each socket is read by a task of its own, as each recipient is a browser of
/// its own: one task reading them all would keep the last waiting for the others' reading.
async fn arrivals_at<F>(
    sockets: &mut Vec<WsClient>,
    count: usize,
    started: Instant,
    told: F,
) -> Vec<Duration>
where
    F: Fn(&Kind) -> bool + Clone + Send + Sync + 'static,
{
    let readers: Vec<_> = sockets
        .drain(..count)
        .map(|mut socket| {
            let told = told.clone();
            tokio::spawn(async move {
                let at = socket
                    .wait_for(|kind| told(&kind).then(|| started.elapsed()))
                    .await;
                (socket, at)
            })
        })
        .collect();
    let (mut back, mut arrivals) = (Vec::with_capacity(count), Vec::with_capacity(count));
    for reader in readers {
        let (socket, at) = reader.await.unwrap();
        back.push(socket);
        arrivals.push(at);
    }
    // The sockets go back where they were.
    sockets.splice(0..0, back);
    arrivals
}

/// The times since `started` at which the star's socket is told of each of `WRITERS` new
/// messages.
async fn arrivals(star: &mut WsClient, started: Instant) -> Vec<Duration> {
    let mut arrivals = Vec::with_capacity(WRITERS);
    while arrivals.len() < WRITERS {
        star.wait_for(|kind| match kind {
            Kind::Inbox(inbox) if !inbox.message_id.is_empty() => Some(()),
            _ => None,
        })
        .await;
        arrivals.push(started.elapsed());
    }
    arrivals
}

/// Waits until every socket has read what it was sent so far.
async fn settle(sockets: &mut [WsClient]) {
    join_all(sockets.iter_mut().map(|socket| socket.drain())).await;
}

fn note(key: u32) -> Request {
    Request::Notes(NoteBatch {
        time: 1.0,
        events: vec![NoteEvent {
            offset_ms: 0,
            kind: NoteEventKind::NoteOn as i32,
            key,
            value: 90,
        }],
    })
}

/// Arrival times, per recipient and per round's last recipient, in µs.
struct Histograms {
    each: Histogram<u64>,
    last: Histogram<u64>,
}

impl Default for Histograms {
    fn default() -> Self {
        Self {
            each: Histogram::new(3).unwrap(),
            last: Histogram::new(3).unwrap(),
        }
    }
}

impl Histograms {
    fn record(&mut self, arrivals: &[Duration]) {
        for arrival in arrivals {
            self.each.record(arrival.as_micros() as u64).unwrap();
        }
        let last = arrivals.iter().max().copied().unwrap_or_default();
        self.last.record(last.as_micros() as u64).unwrap();
    }

    fn print(&self, what: &str, baseline: &Self) {
        let ms =
            |histogram: &Histogram<u64>, q: f64| histogram.value_at_quantile(q) as f64 / 1000.0;
        for (label, histogram, base) in [
            ("one recipient", &self.each, &baseline.each),
            ("last of the round", &self.last, &baseline.last),
        ] {
            println!(
                "{:<58} {:>8.2} {:>8.2} {:>8.2}   (x{:.2} / x{:.2} the relay's p50 / p99)",
                format!("{what}: {label}"),
                ms(histogram, 0.5),
                ms(histogram, 0.99),
                histogram.max() as f64 / 1000.0,
                ms(histogram, 0.5) / ms(base, 0.5),
                ms(histogram, 0.99) / ms(base, 0.99),
            );
        }
    }
}

//! Social mode (`--friends N`), in one run against one server:
//! - how long after a member moves to another room each of their N online friends is told
//!   (and each of 99, as many as a Lobby of the usual size has listeners);
//! - how long a direct message takes from being sent (over a socket, as the site's pages send
//!   it, or over the REST API) to its reader's socket, in a steady stream of `--message-rate`
//!   a second, and when `--writers` members write to that reader at once;
//! - how long a note takes to reach each listener in the Lobby, with 99 listeners and with N:
//!   the relay's figures the others are compared with, a move with the relay to as many.
//!
//! Members sign in through the local OAuth provider as players do; their friendships are put
//! straight into the server's store (over HTTP the friend-request allowance would take days).
//! The server's Lobby is made big enough for the N listeners (`LOBBY_MAX_PLAYERS`).
//! One round is measured at a time, from a quiet server: each round's clock starts when its
//! request is sent and stops, for each recipient, when its socket reads what it was told.

use std::{collections::HashSet, ops::Range, time::Duration};

use futures_util::{
    stream::{SplitSink, SplitStream},
    SinkExt, StreamExt,
};
use hdrhistogram::Histogram;
use pianorhythm_core::{
    protocol::{client_message, server_message, ClientMessage, SendDirectMessage, ServerMessage},
    rooms::{DEFAULT_NOTE_RATE, LOBBY_MAX_PLAYERS, LOBBY_ROOM_NAME},
};
use pianorhythm_store::{now_millis, Store, StoreConfig};
use prost::Message as _;
use serde::Serialize;
use tokio::{
    sync::mpsc,
    time::{self, Instant},
};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    bot::Socket,
    child::{self, ScratchDir},
    clock,
    members::{self, Member},
    oauth::OAuthProvider,
    wire,
};

/// Rounds before the measured ones: the server's first answers (cold caches) are not what
/// players see afterwards.
const WARM_UP: usize = 5;
/// The pause between rounds, so that each starts from a quiet server (and a note a round
/// stays far under the Lobby's note quota).
const ROUND_GAP: Duration = Duration::from_millis(20);
/// A round whose recipients are not all told within this is a failure, not a figure.
const ROUND_TIMEOUT: Duration = Duration::from_secs(10);

/// The star's socket, to which the direct messages are written.
const STAR: Range<usize> = 0..1;
/// How the steady stream's messages begin, before their number.
const STEADY: &str = "steady ";
/// The most players the server lets its Lobby admit.
const LOBBY_LIMIT: u32 = 1_000;

/// What one social run measured, as the JSON line reports it.
#[derive(Serialize)]
pub struct SocialReport {
    /// Always "social", so the line says which mode made it.
    pub mode: &'static str,
    /// Friends online of the member who moves.
    pub friends: u32,
    /// Listeners of the relayed note in a Lobby of the usual size, and friends of the second
    /// member who moves.
    pub listeners: u32,
    /// Members writing at once.
    pub writers: u32,
    /// Direct messages a second in the steady stream.
    pub message_rate: f64,
    /// Rounds measured per row.
    pub rounds: u32,
    /// One row per scenario, the relay's last.
    pub rows: Vec<Row>,
}

/// One scenario's figures, in ms, and its ratios to the relay's in the same run.
#[derive(Serialize)]
pub struct Row {
    /// What was measured.
    pub what: String,
    /// Median time to one recipient.
    pub p50_ms: f64,
    /// 99th percentile time to one recipient.
    pub p99_ms: f64,
    /// Longest time to one recipient.
    pub max_ms: f64,
    /// Median time to a round's last recipient.
    pub last_p50_ms: f64,
    /// 99th percentile time to a round's last recipient.
    pub last_p99_ms: f64,
    /// Listeners of the relay it is compared with.
    pub relay_listeners: u32,
    /// `p50_ms` over the relay's.
    pub p50_vs_relay: f64,
    /// `p99_ms` over the relay's.
    pub p99_vs_relay: f64,
}

/// What a member's socket was told that a round may wait for.
#[derive(Clone, Debug, PartialEq)]
enum Told {
    /// A friend's presence changed.
    Presence { player_id: String },
    /// A note was relayed.
    Note { sender_id: String },
    /// A direct message arrived (or was sent from another of the member's tabs).
    Message,
    /// The steady stream's message of this number arrived (or was sent from another tab).
    Numbered(u32),
    /// The member entered a room.
    Joined,
    /// A request was refused, or the connection ended: the run stops with this.
    Failed(String),
}

/// What one socket read, and when.
struct Heard {
    /// The socket's place in the run's list (0 the star, 1 the duo, then the fans).
    socket: usize,
    /// What it was told.
    told: Told,
    /// When its reader read it.
    at: Instant,
}

/// The members' sockets: what the run sends on each, and everything their readers heard.
struct Sockets {
    /// The sending half of each socket, in the run's order.
    senders: Vec<SplitSink<Socket, Message>>,
    /// What every socket's reader heard, as it heard it.
    heard: mpsc::UnboundedReceiver<Heard>,
}

/// Signs the members in, makes them friends, connects them, and measures every scenario.
pub async fn run(
    friends: u32,
    writers: u32,
    rounds: u32,
    message_rate: f64,
) -> Result<SocialReport, String> {
    let provider =
        OAuthProvider::start().map_err(|error| format!("the OAuth provider: {error}"))?;
    let scratch = ScratchDir::new().map_err(|error| format!("scratch folder: {error}"))?;
    let data_dir = scratch.data_dir();
    let mut env = provider.server_env();
    // The run sends far more than one player may: the limits are per account, and each
    // account here does many rounds' worth of moves and messages in a few seconds.
    for allowance in [
        "DIRECT_MESSAGES_BURST",
        "DIRECT_MESSAGES_PER_DAY",
        "JOIN_ATTEMPTS_PER_MINUTE",
        "ROOMS_PER_MINUTE",
    ] {
        env.push((allowance, "1000000".into()));
    }
    // Room for the star and every friend, so a note can reach as many as a move does.
    let lobby_size = (friends + 1).clamp(LOBBY_MAX_PLAYERS, LOBBY_LIMIT);
    env.push(("LOBBY_MAX_PLAYERS", lobby_size.to_string()));
    let env: Vec<(&str, &str)> = env
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let server = child::spawn_server_in(scratch, &env)
        .map_err(|error| format!("cannot start the server: {error}"))?;
    let http_base = format!("http://{}", server.addr);
    let listeners = friends.min(LOBBY_MAX_PLAYERS - 1) as usize;
    let crowd = friends.min(lobby_size - 1) as usize;
    eprintln!(
        "loadtest: server pid {} on {}; signing in {} members",
        server.pid(),
        server.addr,
        friends + 2
    );

    let mut members = Vec::with_capacity(friends as usize + 2);
    for usertag in ["star".to_owned(), "duo".to_owned()]
        .into_iter()
        .chain((0..friends).map(|n| format!("fan{n:03}")))
    {
        members.push(members::sign_in(&http_base, &provider, &usertag).await?);
    }
    let (star, duo, fans) = (&members[0], &members[1], &members[2..]);
    befriend(&data_dir, star, fans).await?;
    befriend(&data_dir, duo, &fans[..listeners]).await?;
    let mut sockets = Sockets::connect(&members, &server.ws_base()).await?;
    let rounds = rounds as usize;
    let fan_sockets = 2..2 + friends as usize;
    let listener_sockets = 2..2 + listeners;
    let writer_sockets = 2..2 + writers as usize;

    eprintln!("loadtest: presence, {friends} friends");
    let presence = sockets
        .moves(0, &star.id, "Stage", fan_sockets, rounds)
        .await?;
    eprintln!("loadtest: presence, {listeners} friends");
    let duo_presence = sockets
        .moves(1, &duo.id, "Duet", listener_sockets.clone(), rounds)
        .await?;
    eprintln!("loadtest: the relay, {listeners} listeners");
    sockets
        .join_lobby(STAR.chain(listener_sockets.clone()))
        .await?;
    let relay = sockets
        .relay(&star.id, listener_sockets.clone(), rounds)
        .await?;
    let crowd_relay = if crowd > listeners {
        eprintln!("loadtest: the relay, {crowd} listeners");
        sockets.join_lobby(listener_sockets.end..2 + crowd).await?;
        sockets.relay(&star.id, 2..2 + crowd, rounds).await?
    } else {
        relay.clone()
    };
    eprintln!("loadtest: direct messages, {message_rate} a second");
    let writing: Vec<(usize, &Member)> = writer_sockets.clone().zip(fans).collect();
    let steady = sockets
        .messages_at_a_rate(&star.usertag, &writing, Way::Socket, message_rate, rounds)
        .await?;
    let messages_url = format!("{http_base}/api/v1/messages/{}", star.usertag);
    let steady_http = sockets
        .messages_at_a_rate(
            &star.usertag,
            &writing,
            Way::Http(&messages_url),
            message_rate,
            rounds,
        )
        .await?;
    eprintln!("loadtest: direct messages, {writers} writers at once");
    let over_sockets = sockets
        .messages_at_once(&star.usertag, &writing, Way::Socket, rounds)
        .await?;
    let over_http = sockets
        .messages_at_once(&star.usertag, &writing, Way::Http(&messages_url), rounds)
        .await?;
    drop(server);

    let relay = (&relay, listeners);
    let crowd_relay = (&crowd_relay, crowd);
    let mut rows = vec![
        presence.row(
            &format!("presence, to each of {friends} friends"),
            crowd_relay,
        ),
        duo_presence.row(&format!("presence, to each of {listeners} friends"), relay),
        steady.row(
            &format!("direct messages over sockets, {message_rate} a second"),
            relay,
        ),
        steady_http.row(
            &format!("direct messages over HTTP, {message_rate} a second"),
            relay,
        ),
        over_sockets.row(
            &format!("direct messages over sockets, {writers} writers at once"),
            relay,
        ),
        over_http.row(
            &format!("direct messages over HTTP, {writers} writers at once"),
            relay,
        ),
        relay.0.row(
            &format!("note relay, to each of {listeners} listeners"),
            relay,
        ),
    ];
    if crowd > listeners {
        let what = format!("note relay, to each of {crowd} listeners");
        rows.push(crowd_relay.0.row(&what, crowd_relay));
    }
    eprintln!("{}", table(&rows));
    Ok(SocialReport {
        mode: "social",
        friends,
        listeners: listeners as u32,
        writers,
        message_rate,
        rounds: rounds as u32,
        rows,
    })
}

/// Makes `member` and each of `friends` friends, in the server's store.
async fn befriend(
    data_dir: &std::path::Path,
    member: &Member,
    friends: &[Member],
) -> Result<(), String> {
    let store = Store::open(&StoreConfig::Embedded {
        data_dir: data_dir.to_owned(),
    })
    .await
    .map_err(|error| format!("cannot open the server's store: {error}"))?;
    for friend in friends {
        let now = now_millis();
        store
            .friends
            .request(&member.id, &friend.id, now)
            .await
            .and(store.friends.accept(&friend.id, &member.id, now).await)
            .map_err(|error| format!("cannot befriend {}: {error}", friend.usertag))?;
    }
    Ok(())
}

impl Sockets {
    /// One socket per member, in their order, each read by a task of its own.
    async fn connect(members: &[Member], ws_base: &str) -> Result<Self, String> {
        let (tell, heard) = mpsc::unbounded_channel();
        let mut senders = Vec::with_capacity(members.len());
        for (socket, member) in members.iter().enumerate() {
            let (sender, reader) = member.connect(ws_base).await?.split();
            senders.push(sender);
            tokio::task::spawn_local(read(socket, reader, tell.clone()));
        }
        Ok(Self { senders, heard })
    }

    async fn send(&mut self, socket: usize, kind: client_message::Kind) -> Result<(), String> {
        let frame = ClientMessage::from_kind(kind).encode_to_vec();
        self.send_frame(socket, frame).await
    }

    async fn send_frame(&mut self, socket: usize, frame: Vec<u8>) -> Result<(), String> {
        self.senders[socket]
            .send(Message::binary(frame))
            .await
            .map_err(|error| format!("socket {socket}: cannot send: {error}"))
    }

    /// The member on `mover` goes back and forth between two rooms named after `rooms`; when
    /// each of `friends` (sockets) is told of each move.
    async fn moves(
        &mut self,
        mover: usize,
        mover_id: &str,
        rooms: &str,
        friends: Range<usize>,
        rounds: usize,
    ) -> Result<Figures, String> {
        let frame = |round: usize| {
            let room = format!("{rooms} {}", round % 2);
            match round < 2 {
                true => wire::create(&room, 10, DEFAULT_NOTE_RATE),
                false => wire::join(&room),
            }
        };
        let told = Told::Presence {
            player_id: mover_id.to_owned(),
        };
        self.rounds(mover, frame, &friends, &told, rounds).await
    }

    /// `sockets` join the Lobby; answers once each is in.
    async fn join_lobby(&mut self, sockets: impl Iterator<Item = usize>) -> Result<(), String> {
        let joined = Instant::now();
        let mut waiting: HashSet<usize> = sockets.collect();
        for &socket in &waiting {
            self.send_frame(socket, wire::join(LOBBY_ROOM_NAME)).await?;
        }
        while !waiting.is_empty() {
            let heard = self.next(joined).await?;
            if heard.told == Told::Joined {
                waiting.remove(&heard.socket);
            }
        }
        Ok(())
    }

    /// The star (socket 0) plays one note a round in the Lobby, where `listeners` are.
    async fn relay(
        &mut self,
        star_id: &str,
        listeners: Range<usize>,
        rounds: usize,
    ) -> Result<Figures, String> {
        let note = |round: usize| wire::note(clock::now_ms(), 21 + (round % 88) as u32, 0);
        let told = Told::Note {
            sender_id: star_id.to_owned(),
        };
        self.rounds(0, note, &listeners, &told, rounds).await
    }

    /// The warm-up, then `rounds` rounds in each of which `sender` sends `frame(round)` and
    /// each of `recipients` must be told `told`.
    async fn rounds(
        &mut self,
        sender: usize,
        frame: impl Fn(usize) -> Vec<u8>,
        recipients: &Range<usize>,
        told: &Told,
        rounds: usize,
    ) -> Result<Figures, String> {
        let mut figures = Figures::default();
        for round in 0..WARM_UP + rounds {
            self.quiet().await?;
            let frame = frame(round);
            let started = Instant::now();
            self.send_frame(sender, frame).await?;
            let arrivals = self
                .arrivals(recipients, recipients.len(), told, started)
                .await?;
            if round >= WARM_UP {
                figures.record(&arrivals);
            }
        }
        Ok(figures)
    }

    /// `writers` each send the star a direct message the `way` asked, at once, a round at a
    /// time; each round timed from its start to each message's arrival.
    async fn messages_at_once(
        &mut self,
        star: &str,
        writers: &[(usize, &Member)],
        way: Way<'_>,
        rounds: usize,
    ) -> Result<Figures, String> {
        let mut figures = Figures::default();
        for round in 0..WARM_UP + rounds {
            self.quiet().await?;
            let started = Instant::now();
            let mut answers = Vec::new();
            for &writer in writers {
                let text = format!("round {round}");
                let answer = self.write(writer, star, way, text, round as u32).await?;
                answers.extend(answer);
            }
            let arrivals = self
                .arrivals(&STAR, writers.len(), &Told::Message, started)
                .await;
            // A refused request explains a message that never arrived.
            check_http_answers(answers).await?;
            if round >= WARM_UP {
                figures.record(&arrivals?);
            }
        }
        Ok(figures)
    }

    /// `writers` take turns sending the star a direct message, `rate` a second, without
    /// waiting for the last to arrive: each timed from its own sending to the star's socket.
    async fn messages_at_a_rate(
        &mut self,
        star: &str,
        writers: &[(usize, &Member)],
        way: Way<'_>,
        rate: f64,
        count: usize,
    ) -> Result<Figures, String> {
        self.quiet().await?;
        let total = WARM_UP + count;
        let started = Instant::now();
        let gap = Duration::from_secs_f64(1.0 / rate);
        let mut sent_at = Vec::with_capacity(total);
        let mut answers = Vec::new();
        for (number, writer) in writers.iter().cycle().take(total).enumerate() {
            time::sleep_until(started + gap * number as u32).await;
            let text = format!("{STEADY}{number}");
            sent_at.push(Instant::now());
            let answer = self.write(*writer, star, way, text, number as u32).await?;
            answers.extend(answer);
        }
        let last_sent = *sent_at.last().ok_or("no message sent")?;
        let arrived = self.numbered_arrivals(&sent_at, last_sent).await;
        // A refused request explains a message that never arrived.
        check_http_answers(answers).await?;
        let arrived = arrived?;
        let mut figures = Figures::default();
        for arrival in arrived.into_iter().skip(WARM_UP) {
            figures.record(&[arrival]);
        }
        Ok(figures)
    }

    /// When the star's socket read each message of the steady stream, counted from its
    /// sending (`sent_at`, by number); the last was sent at `last_sent`.
    async fn numbered_arrivals(
        &mut self,
        sent_at: &[Instant],
        last_sent: Instant,
    ) -> Result<Vec<Duration>, String> {
        let mut arrived = vec![None; sent_at.len()];
        let mut waiting = sent_at.len();
        while waiting > 0 {
            let heard = self.next(last_sent).await?;
            if let (true, Told::Numbered(number)) = (STAR.contains(&heard.socket), &heard.told) {
                let number = *number as usize;
                let slot = arrived.get_mut(number).ok_or("an unknown message")?;
                if slot.replace(heard.at - sent_at[number]).is_none() {
                    waiting -= 1;
                }
            }
        }
        Ok(arrived.into_iter().flatten().collect())
    }

    /// `writer` (its socket and member) sends the star a message the `way` asked. Over the
    /// REST API the request runs in a task of its own, whose answer is handed back to check.
    async fn write(
        &mut self,
        (socket, member): (usize, &Member),
        star: &str,
        way: Way<'_>,
        text: String,
        request_id: u32,
    ) -> Result<Option<HttpAnswer>, String> {
        match way {
            Way::Socket => {
                let message = SendDirectMessage {
                    usertag: star.to_owned(),
                    text,
                    request_id,
                };
                self.send(socket, client_message::Kind::SendMessage(message))
                    .await?;
                Ok(None)
            }
            Way::Http(url) => {
                let body = serde_json::json!({ "text": text });
                let sent = member.http.post(url).json(&body).send();
                Ok(Some(tokio::task::spawn_local(sent)))
            }
        }
    }

    /// When each of the first `count` times any of `sockets` is told `told` happened,
    /// counted from `started`.
    async fn arrivals(
        &mut self,
        sockets: &Range<usize>,
        count: usize,
        told: &Told,
        started: Instant,
    ) -> Result<Vec<Duration>, String> {
        let mut arrivals = Vec::with_capacity(count);
        while arrivals.len() < count {
            let heard = self.next(started).await?;
            // Read before the round began, it cannot be the round's.
            if sockets.contains(&heard.socket) && heard.told == *told && heard.at >= started {
                arrivals.push(heard.at - started);
            }
        }
        Ok(arrivals)
    }

    /// Forgets what the sockets heard so far (the presence each is told of its friends on
    /// connecting, a round's late frames), after a pause that lets it all arrive: a round
    /// counts only what its own request caused.
    async fn quiet(&mut self) -> Result<(), String> {
        time::sleep(ROUND_GAP).await;
        while let Ok(heard) = self.heard.try_recv() {
            if let Told::Failed(why) = heard.told {
                return Err(format!("socket {}: {why}", heard.socket));
            }
        }
        Ok(())
    }

    /// The next thing any socket heard; a refusal or a closed socket ends the run.
    async fn next(&mut self, started: Instant) -> Result<Heard, String> {
        let heard = time::timeout_at(started + ROUND_TIMEOUT, self.heard.recv())
            .await
            .map_err(|_| format!("a round not over within {ROUND_TIMEOUT:?}"))?
            .ok_or("every socket closed")?;
        match heard.told {
            Told::Failed(why) => Err(format!("socket {}: {why}", heard.socket)),
            _ => Ok(heard),
        }
    }
}

/// Every message sent over the REST API was taken.
async fn check_http_answers(answers: Vec<HttpAnswer>) -> Result<(), String> {
    for answer in answers {
        let answer = answer
            .await
            .map_err(|error| error.to_string())?
            .map_err(|error| format!("a message over HTTP: {error}"))?;
        if !answer.status().is_success() {
            return Err(format!("a message over HTTP: {}", answer.status()));
        }
    }
    Ok(())
}

/// A message's request over the REST API, running in a task of its own.
type HttpAnswer = tokio::task::JoinHandle<reqwest::Result<reqwest::Response>>;

/// How a direct message is sent.
#[derive(Clone, Copy)]
enum Way<'a> {
    /// Over the writer's socket, as the site's pages send it.
    Socket,
    /// Over the REST API, to this address.
    Http(&'a str),
}

/// A socket's reader: passes on what a round may wait for, with the time it was read.
async fn read(socket: usize, mut reader: SplitStream<Socket>, tell: mpsc::UnboundedSender<Heard>) {
    use server_message::Kind;
    while let Some(frame) = reader.next().await {
        let bytes = match frame {
            Ok(Message::Binary(bytes)) => bytes,
            Ok(_) => continue,
            Err(_) => break,
        };
        let at = Instant::now();
        let told = match ServerMessage::decode(bytes)
            .ok()
            .and_then(|message| message.kind)
        {
            Some(Kind::FriendPresence(update)) => Told::Presence {
                player_id: update.player_id,
            },
            Some(Kind::Notes(notes)) => Told::Note {
                sender_id: notes.sender_id,
            },
            Some(Kind::Inbox(inbox)) if !inbox.message_id.is_empty() => {
                match inbox.message_text.strip_prefix(STEADY) {
                    Some(number) => number.parse().map_or(Told::Message, Told::Numbered),
                    None => Told::Message,
                }
            }
            Some(Kind::RoomJoined(_)) => Told::Joined,
            Some(Kind::MessageAnswer(answer)) if !answer.error.is_empty() => {
                Told::Failed(format!("message refused: {}", answer.error))
            }
            Some(Kind::Error(error)) => Told::Failed(format!("error: {}", error.message)),
            Some(Kind::Disconnect(why)) => Told::Failed(format!("disconnected: {}", why.message)),
            _ => continue,
        };
        if tell.send(Heard { socket, told, at }).is_err() {
            return;
        }
    }
    let _ = tell.send(Heard {
        socket,
        told: Told::Failed("the connection closed".into()),
        at: Instant::now(),
    });
}

/// Arrival times, per recipient and per round's last recipient, in µs.
#[derive(Clone)]
struct Figures {
    /// Every recipient's.
    each: Histogram<u64>,
    /// Each round's last recipient's.
    last: Histogram<u64>,
}

impl Default for Figures {
    fn default() -> Self {
        Self {
            each: histogram(),
            last: histogram(),
        }
    }
}

/// Arrival times from 1 µs to a round's timeout, to 3 significant figures.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, ROUND_TIMEOUT.as_micros() as u64, 3)
        .expect("the bounds are valid")
}

impl Figures {
    fn record(&mut self, arrivals: &[Duration]) {
        let us = |arrival: &Duration| arrival.as_micros().max(1) as u64;
        for arrival in arrivals {
            self.each.saturating_record(us(arrival));
        }
        if let Some(last) = arrivals.iter().max() {
            self.last.saturating_record(us(last));
        }
    }

    /// This scenario's row, compared with `relay` and its number of listeners.
    fn row(&self, what: &str, (relay, relay_listeners): (&Figures, usize)) -> Row {
        let ms = |histogram: &Histogram<u64>, quantile: f64| {
            (histogram.value_at_quantile(quantile) as f64 / 10.0).round() / 100.0
        };
        let ratio = |ours: f64, relay: f64| (ours / relay * 100.0).round() / 100.0;
        Row {
            what: what.to_owned(),
            p50_ms: ms(&self.each, 0.5),
            p99_ms: ms(&self.each, 0.99),
            max_ms: (self.each.max() as f64 / 10.0).round() / 100.0,
            last_p50_ms: ms(&self.last, 0.5),
            last_p99_ms: ms(&self.last, 0.99),
            relay_listeners: relay_listeners as u32,
            p50_vs_relay: ratio(ms(&self.each, 0.5), ms(&relay.each, 0.5)),
            p99_vs_relay: ratio(ms(&self.each, 0.99), ms(&relay.each, 0.99)),
        }
    }
}

/// The rows as a table for people, on stderr.
fn table(rows: &[Row]) -> String {
    let mut table = format!(
        "{:<58} {:>7} {:>7} {:>7} {:>9} {:>9} {:>9} {:>10}\n",
        "ms", "p50", "p99", "max", "last p50", "last p99", "x relay", "(of)"
    );
    for row in rows {
        table.push_str(&format!(
            "{:<58} {:>7.2} {:>7.2} {:>7.2} {:>9.2} {:>9.2} {:>4.2}/{:.2} {:>10}\n",
            row.what,
            row.p50_ms,
            row.p99_ms,
            row.max_ms,
            row.last_p50_ms,
            row.last_p99_ms,
            row.p50_vs_relay,
            row.p99_vs_relay,
            row.relay_listeners
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_takes_each_recipient_and_each_rounds_last_and_compares_with_the_relay() {
        let mut relay = Figures::default();
        relay.record(&[Duration::from_millis(1), Duration::from_millis(2)]);
        let mut presence = Figures::default();
        presence.record(&[Duration::from_millis(2), Duration::from_millis(4)]);
        presence.record(&[Duration::from_millis(2), Duration::from_millis(3)]);
        let row = presence.row("presence", (&relay, 2));
        assert_eq!((row.p50_ms, row.p99_ms, row.max_ms), (2.0, 4.0, 4.0));
        assert_eq!((row.last_p50_ms, row.last_p99_ms), (3.0, 4.0));
        assert_eq!((row.p50_vs_relay, row.p99_vs_relay), (2.0, 2.0));
        assert_eq!(row.relay_listeners, 2);
    }
}

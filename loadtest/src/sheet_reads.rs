//! Sheet-reads mode: a big sheet read by many players at once (its page, its JSON, its MIDI
//! download) while a player in the Lobby pings, to see whether heavy HTTP work stalls the
//! real-time path.
//!
//! The sheet (a Virtual Piano text of `--sheet-notes` notes, so the MIDI download is a
//! conversion, not the stored file) is put into the server's store with the store's own
//! `create`, read and with its timeline as an upload stores it: uploading over HTTP needs a
//! signed-in Member, which means an OAuth provider. It is stored once the server has started,
//! so the server's own migrations made the schema, and a server built before timelines were
//! (`--server`, to compare versions) runs on the same store, simply ignoring the timeline.
//! Readers run on the loader's thread; the pinger has a thread of its own so that busy readers
//! never delay the reading of a pong.

use std::{cell::Cell, path::Path, rc::Rc, thread, time::Duration};

use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use pianorhythm_core::{
    domain::sheet_music::{Difficulty, NewSheet, SheetFormat},
    protocol::{server_message, ServerMessage},
    rooms::LOBBY_ROOM_NAME,
    sheet_format::{self, timeline},
};
use pianorhythm_store::{ports::SheetMusicStore, sqlite::SqliteStore};
use prost::Message as _;
use serde::Serialize;
use tokio::time::{self, Instant};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    bot::{self, Entry},
    child::{self, ScratchDir},
    cli::{Args, Read},
    clock,
    wire::{self, Target},
};

/// Reads before the window opens: the server's first answers (cold caches, a timeline
/// computed for the first time) are not what players see afterwards.
const WARM_UP: Duration = Duration::from_secs(2);
/// Time between two pings of the pinger.
const PING_EVERY: Duration = Duration::from_millis(20);
/// Longest round trip recorded; a ping lost for longer counts as this.
const MAX_ROUND_TRIP_US: u64 = 60_000_000;
/// Virtual Piano keys the sheet cycles through: white keys over three octaves.
const SHEET_KEYS: &str = "qwertyuiopasdfghjklzxcvbnm";

/// What one sheet-reads run measured, as the JSON line reports it.
#[derive(Serialize)]
pub struct SheetReadsReport {
    /// Always "sheet_reads", so the line says which mode made it.
    pub mode: &'static str,
    /// Notes in the sheet read.
    pub notes: usize,
    /// Readers running at once.
    pub readers: u32,
    /// What they read, in turn.
    pub kinds: Vec<String>,
    /// The server's async worker threads (`WORKER_THREADS`).
    pub worker_threads: u32,
    /// Length of the window, in seconds.
    pub duration_s: f64,
    /// Reads completed in the window, per second, all kinds together.
    pub reads_per_sec: f64,
    /// Of those, pages (`/sheets/<id>`) per second.
    pub pages_per_sec: f64,
    /// JSON (`GET /api/v1/sheet_music/<id>`) per second.
    pub json_per_sec: f64,
    /// MIDI downloads per second.
    pub midi_per_sec: f64,
    /// Reads that did not answer 200.
    pub failed_reads: u64,
    /// Pings answered in the window.
    pub pings: u64,
    /// Median ping round trip, ms.
    pub ping_p50_ms: f64,
    /// 99th percentile ping round trip, ms.
    pub ping_p99_ms: f64,
    /// Longest ping round trip, ms.
    pub ping_max_ms: f64,
}

impl Read {
    /// Its place in [`Read::ALL`], where its count is kept.
    fn index(self) -> usize {
        self as usize
    }

    fn path(self, id: &str) -> String {
        match self {
            Read::Page => format!("/sheets/{id}"),
            Read::Json => format!("/api/v1/sheet_music/{id}"),
            Read::Midi => format!("/api/v1/sheet_music/{id}/download?format=midi"),
        }
    }
}

/// Reads completed inside the window, by kind, and the failures.
#[derive(Default)]
struct Counts {
    /// Completed reads per kind, in [`Read::ALL`] order.
    done: [Cell<u64>; 3],
    /// Reads that failed or did not answer 200.
    failed: Cell<u64>,
}

/// Seeds the sheet, starts the server and measures.
pub async fn run(args: &Args, readers: u32) -> Result<SheetReadsReport, String> {
    let scratch = ScratchDir::new().map_err(|error| format!("scratch folder: {error}"))?;
    let data_dir = scratch.data_dir();
    let worker_threads = args.worker_threads.to_string();
    let server = child::spawn_server_in(scratch, &[("WORKER_THREADS", &worker_threads)])
        .map_err(|error| format!("cannot start the server: {error}"))?;
    let id = seed(&data_dir, args.sheet_notes).await?;
    eprintln!(
        "loadtest: server pid {} on {}; sheet {id} of {} notes; {readers} readers, {} worker thread(s)",
        server.pid(),
        server.addr,
        args.sheet_notes,
        args.worker_threads
    );
    let http_base = format!("http://{}", server.addr);
    let start = Instant::now() + WARM_UP;
    let end = start + Duration::from_secs_f64(args.duration);

    let ws_base = server.ws_base();
    let pinger = thread::spawn(move || ping_thread(&ws_base, start, end));
    let client = reqwest::Client::new();
    let counts = Rc::new(Counts::default());
    let mut tasks = Vec::new();
    for reader in 0..readers {
        let (client, counts) = (client.clone(), counts.clone());
        let reads: Vec<(usize, String)> = args
            .sheet_read_kinds
            .iter()
            .map(|read| (read.index(), format!("{http_base}{}", read.path(&id))))
            .collect();
        tasks.push(tokio::task::spawn_local(async move {
            let mut turn = reader as usize;
            while Instant::now() < end {
                let (kind, url) = &reads[turn % reads.len()];
                let kind = *kind;
                let ok = read(&client, url).await;
                let finished = Instant::now();
                if finished >= start && finished < end {
                    if ok {
                        counts.done[kind].set(counts.done[kind].get() + 1);
                    } else {
                        counts.failed.set(counts.failed.get() + 1);
                    }
                }
                turn += 1;
            }
        }));
    }
    for task in tasks {
        task.await
            .map_err(|error| format!("a reader failed: {error}"))?;
    }
    let pings = pinger
        .join()
        .map_err(|_| "the pinger panicked".to_owned())??;
    drop(server);

    let per_sec = |count: u64| count as f64 / args.duration;
    let done: Vec<u64> = counts.done.iter().map(Cell::get).collect();
    let ms = |quantile: f64| pings.value_at_quantile(quantile) as f64 / 1000.0;
    Ok(SheetReadsReport {
        mode: "sheet_reads",
        notes: args.sheet_notes,
        readers,
        kinds: args
            .sheet_read_kinds
            .iter()
            .map(|read| format!("{read:?}").to_lowercase())
            .collect(),
        worker_threads: args.worker_threads,
        duration_s: args.duration,
        reads_per_sec: per_sec(done.iter().sum()),
        pages_per_sec: per_sec(done[0]),
        json_per_sec: per_sec(done[1]),
        midi_per_sec: per_sec(done[2]),
        failed_reads: counts.failed.get(),
        pings: pings.len(),
        ping_p50_ms: ms(0.5),
        ping_p99_ms: ms(0.99),
        ping_max_ms: pings.max() as f64 / 1000.0,
    })
}

/// One read, its body read to the end; whether it answered 200.
async fn read(client: &reqwest::Client, url: &str) -> bool {
    let Ok(response) = client.get(url).send().await else {
        return false;
    };
    let ok = response.status().is_success();
    ok && response.bytes().await.is_ok()
}

/// Stores the sheet in the store at `data_dir`, as an upload does; answers its id.
async fn seed(data_dir: &Path, notes: usize) -> Result<String, String> {
    let store = SqliteStore::open(data_dir)
        .await
        .map_err(|error| format!("cannot open the server's store: {error}"))?;
    let content = sheet_text(notes).into_bytes();
    let score = sheet_format::read(SheetFormat::VirtualPiano, &content)
        .map_err(|error| format!("the generated sheet does not read: {error}"))?;
    let sheet = NewSheet {
        title: format!("{notes} notes"),
        creator_id: "loadtest".into(),
        creator_name: "loadtest".into(),
        tags: vec!["loadtest".into()],
        category: "Test".into(),
        difficulty: Difficulty::Expert,
        format: SheetFormat::VirtualPiano,
        content,
        timeline: Some(timeline::encode(&score)),
    };
    let created = store
        .create(sheet)
        .await
        .map_err(|error| format!("cannot store the sheet: {error}"))?;
    Ok(created.id)
}

/// A Virtual Piano sheet of `notes` notes, one per step, 100 to a line.
fn sheet_text(notes: usize) -> String {
    let keys: Vec<char> = SHEET_KEYS.chars().collect();
    let mut text = String::with_capacity(notes + notes / 100 + 16);
    text.push_str("tempo: 240\n");
    for n in 0..notes {
        text.push(keys[n % keys.len()]);
        if n % 100 == 99 {
            text.push('\n');
        }
    }
    text
}

/// The pinger, on its own thread and runtime.
fn ping_thread(base: &str, start: Instant, end: Instant) -> Result<Histogram<u64>, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("the pinger's runtime: {error}"))?
        .block_on(ping(base, start, end))
}

/// A player in the Lobby pinging every [`PING_EVERY`]; the round trips of pings sent in the
/// window.
async fn ping(base: &str, start: Instant, end: Instant) -> Result<Histogram<u64>, String> {
    let mut socket = bot::connect(
        Target::Server,
        base,
        &Entry::Join(LOBBY_ROOM_NAME.to_owned()),
    )
    .await?;
    let mut round_trips =
        Histogram::new_with_bounds(1, MAX_ROUND_TRIP_US, 3).map_err(|error| error.to_string())?;
    let mut ticks = time::interval(PING_EVERY);
    while Instant::now() < end {
        ticks.tick().await;
        let sent = clock::now_ms();
        let in_window = Instant::now() >= start;
        socket
            .send(Message::binary(wire::ping(sent)))
            .await
            .map_err(|error| format!("ping not sent: {error}"))?;
        let answered = time::timeout(Duration::from_secs(60), pong(&mut socket, sent)).await;
        let round_trip_us = match answered {
            Ok(answer) => {
                answer?;
                ((clock::now_ms() - sent) * 1000.0) as u64
            }
            Err(_) => MAX_ROUND_TRIP_US,
        };
        if in_window {
            round_trips.saturating_record(round_trip_us.max(1));
        }
    }
    Ok(round_trips)
}

/// Reads frames until the pong to the ping sent at `sent`.
async fn pong(socket: &mut bot::Socket, sent: f64) -> Result<(), String> {
    while let Some(frame) = socket.next().await {
        let frame = frame.map_err(|error| format!("the pinger's connection failed: {error}"))?;
        let Message::Binary(bytes) = frame else {
            continue;
        };
        if let Ok(ServerMessage {
            kind: Some(server_message::Kind::Pong(pong)),
        }) = ServerMessage::decode(bytes)
        {
            if pong.client_send_time == sent {
                return Ok(());
            }
        }
    }
    Err("the pinger's connection closed".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheet_holds_exactly_the_notes_asked_for() {
        let text = sheet_text(45_000);
        let score = sheet_format::read(SheetFormat::VirtualPiano, text.as_bytes()).unwrap();
        assert_eq!(score.notes.len(), 45_000);
        assert_eq!(score.tempo_bpm, 240.0);
    }
}

//! Latency of the store's hot paths on both backends: user by id, room by name, append chat,
//! and search over 10,000 sheets. Prints p50 and p99 per operation.
//!
//! `cargo bench -p server --bench store_latency` (needs SecantusDB: scripts/setup.sh --test).
//! A benchmark, not a test: it asserts nothing about speed. Machines are noisy: compare the
//! backends within one run.

#[path = "../tests/support/secantus.rs"]
mod secantus;

use std::{future::Future, time::Instant};

use hdrhistogram::Histogram;
use pianorhythm_core::{
    domain::{
        room::StoredRoom,
        room_settings::RoomSettings,
        sheet_music::{Difficulty, NewSheet, SheetFormat, SheetSearch},
        user::NewUser,
    },
    protocol::{ChatMessage, Participant},
};
use server::store::{ids, Store, StoreConfig};
use tempfile::TempDir;

const USERS: usize = 1_000;
const ROOMS: usize = 200;
const SHEETS: usize = 10_000;
const SAMPLES: usize = 2_000;
const SEARCH_SAMPLES: usize = 200;
/// Concurrent writers while filling the store (setup only, not measured).
const FILL_CONCURRENCY: usize = 16;

const WORDS: &[&str] = &[
    "nocturne",
    "waltz",
    "sonata",
    "prelude",
    "etude",
    "fugue",
    "ballade",
    "rhapsody",
    "minuet",
    "lullaby",
    "scherzo",
    "toccata",
    "impromptu",
    "serenade",
    "berceuse",
    "gigue",
];

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = TempDir::new().unwrap();
        let sqlite = StoreConfig::Embedded {
            data_dir: dir.path().join("sqlite"),
        };
        let mongo_server = secantus::Secantus::start(&dir.path().join("mongo"));
        let mongo = StoreConfig::MongoDb {
            uri: mongo_server.uri.clone(),
            database: "bench".into(),
        };
        println!(
            "{:<10} {:<28} {:>10} {:>10}",
            "backend", "operation", "p50 µs", "p99 µs"
        );
        for (name, config) in [("sqlite", sqlite), ("mongodb", mongo)] {
            let store = Store::open(&config).await.unwrap();
            bench_backend(name, &store).await;
        }
    });
}

async fn bench_backend(backend: &str, store: &Store) {
    let (user_ids, room_names) = fill(store).await;
    let report = |operation: &str, histogram: Histogram<u64>| {
        println!(
            "{backend:<10} {operation:<28} {:>10} {:>10}",
            histogram.value_at_quantile(0.5),
            histogram.value_at_quantile(0.99)
        );
    };

    let histogram = measure(SAMPLES, |i| {
        let id = user_ids[i * 7919 % user_ids.len()].clone();
        async move { store.users.get(&id).await.unwrap() }
    })
    .await;
    report("user by id", histogram);

    let histogram = measure(SAMPLES, |i| {
        let name = room_names[i * 31 % room_names.len()].to_uppercase();
        async move { store.rooms.by_name(&name).await.unwrap() }
    })
    .await;
    report("room by name", histogram);

    let histogram = measure(SAMPLES, |i| async move {
        store.chat.append("lobby", &chat_message(i)).await.unwrap()
    })
    .await;
    report("append chat (durable)", histogram);

    let histogram = measure(SEARCH_SAMPLES, |i| {
        let text = WORDS[i % WORDS.len()];
        let search = SheetSearch::new(text, None, None, 0, 20).unwrap();
        async move { store.sheets.search(&search).await.unwrap() }
    })
    .await;
    report("search 10k sheets (20/page)", histogram);

    let histogram = measure(SEARCH_SAMPLES, |i| {
        let text = format!("{} {}", WORDS[i % WORDS.len()], i % 50);
        let search =
            SheetSearch::new(&text, Some("classical"), Some(Difficulty::Expert), 0, 20).unwrap();
        async move { store.sheets.search(&search).await.unwrap() }
    })
    .await;
    report("search + filters", histogram);
}

/// Runs `operation` `samples` times, one after another, and records each latency in µs.
async fn measure<F, T>(samples: usize, mut operation: impl FnMut(usize) -> F) -> Histogram<u64>
where
    F: Future<Output = T>,
{
    let mut histogram = Histogram::new(3).unwrap();
    for i in 0..samples {
        let started = Instant::now();
        std::hint::black_box(operation(i).await);
        histogram
            .record(started.elapsed().as_micros() as u64)
            .unwrap();
    }
    histogram
}

/// Users, rooms and sheets to look up; returns the user ids and room names.
async fn fill(store: &Store) -> (Vec<String>, Vec<String>) {
    let mut user_ids = Vec::with_capacity(USERS);
    for chunk in (0..USERS).collect::<Vec<_>>().chunks(FILL_CONCURRENCY) {
        let created = futures_util::future::join_all(chunk.iter().map(|n| {
            store.users.create(NewUser {
                username: format!("Player {n}"),
                usertag: format!("player_{n}"),
                email: Some(format!("player{n}@example.org")),
                color: "#336699".into(),
            })
        }))
        .await;
        user_ids.extend(created.into_iter().map(|user| user.unwrap().id));
    }
    let mut room_names = Vec::with_capacity(ROOMS);
    for n in 0..ROOMS {
        let name = format!("Room {n} {}", WORDS[n % WORDS.len()]);
        let room = StoredRoom {
            id: ids::new_id(),
            settings: RoomSettings::with_name(name.clone(), 16),
            owner_id: Some(user_ids[n].clone()),
            bans: Vec::new(),
            created_at: 0,
            updated_at: 0,
        };
        store.rooms.save(&room).await.unwrap();
        room_names.push(name);
    }
    for chunk in (0..SHEETS).collect::<Vec<_>>().chunks(FILL_CONCURRENCY) {
        let created = futures_util::future::join_all(chunk.iter().map(|&n| {
            store.sheets.create(NewSheet {
                title: format!("{} in {} no. {}", WORDS[n % WORDS.len()], n % 24, n % 50),
                creator_id: user_ids[n % USERS].clone(),
                creator_name: format!("Player {}", n % USERS),
                tags: vec![
                    WORDS[(n / 3) % WORDS.len()].into(),
                    format!("opus {}", n % 97),
                ],
                category: ["classical", "jazz", "pop", "film"][n % 4].into(),
                difficulty: [
                    Difficulty::Beginner,
                    Difficulty::Intermediate,
                    Difficulty::Advanced,
                    Difficulty::Expert,
                ][n % 4],
                format: SheetFormat::VirtualPiano,
                content: vec![b'a'; 512],
            })
        }))
        .await;
        for sheet in created {
            sheet.unwrap();
        }
    }
    (user_ids, room_names)
}

fn chat_message(n: usize) -> ChatMessage {
    ChatMessage {
        id: format!("{n:016x}"),
        sender: Some(Participant {
            id: "bench".into(),
            name: "Bench".into(),
            color: "#123456".into(),
        }),
        text: format!("message number {n}"),
        time: n as f64,
    }
}

//! Latency of the store's hot paths on both backends: user by id, room by name, append chat,
//! and search over 100,000 sheets (a text long enough for a trigram index, a shorter one, one
//! with filters, and no text with paging). Prints p50 and p99 per operation, and for searches
//! the median number of sheets found.
//!
//! `cargo bench -p pianorhythm-store --bench store_latency` (needs SecantusDB: scripts/setup.sh
//! --test). A benchmark, not a test: it asserts nothing about speed. Machines are noisy: compare
//! the backends within one run.

use std::cell::RefCell;

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
use pianorhythm_store::{ids, Store, StoreConfig};
use pianorhythm_test_support::{bench::measure, secantus};
use tempfile::TempDir;
use words::{ADJECTIVES, FORMS, KEYS, NAMES, NOUNS, TAGS};

const USERS: usize = 1_000;
const ROOMS: usize = 200;
const SHEETS: usize = 100_000;
const SAMPLES: usize = 2_000;
/// Searches of each kind on SQLite.
const SEARCH_SAMPLES: usize = 200;
/// Searches of each kind on MongoDB: fewer, as a debug build of SecantusDB takes seconds to
/// scan every sheet and one run would otherwise take hours. Their p99 is about their maximum.
const MONGODB_SEARCH_SAMPLES: usize = 20;
/// Concurrent writers while filling the store (setup only, not measured).
const FILL_CONCURRENCY: usize = 16;

// Word lists read better as paragraphs than one word a line.
#[rustfmt::skip]
mod words {
    //! The words of the sheets. Titles are "<adjective> <noun> <form>", sometimes followed by
    //! "in <key> major|minor" or "No. <n>": one adjective-noun pair is in about 1 sheet in 1,600,
    //! so a text like "silver river" finds about 60; the bench's texts find 50 to 150.

    pub const ADJECTIVES: &[&str] = &[
        "Moonlit", "Autumn", "Winter", "Spring", "Summer", "Silver", "Golden", "Crystal", "Velvet",
        "Midnight", "Morning", "Evening", "Distant", "Gentle", "Quiet", "Restless", "Hidden",
        "Broken", "Frozen", "Burning", "Wandering", "Lonely", "Secret", "Ancient", "Electric",
        "Paper", "Glass", "Scarlet", "Azure", "Emerald", "Amber", "Ivory", "Misty", "Starry",
        "Stormy", "Sleepy", "Dancing", "Falling", "Rising", "Endless",
    ];
    pub const NOUNS: &[&str] = &[
        "River", "Ocean", "Garden", "Lantern", "Mirror", "Shadow", "Harbour", "Meadow", "Forest",
        "Mountain", "City", "Island", "Valley", "Castle", "Station", "Window", "Candle", "Feather",
        "Ribbon", "Compass", "Horizon", "Orchard", "Lighthouse", "Cathedral", "Carousel", "Glacier",
        "Comet", "Aurora", "Ember", "Whisper", "Echo", "Tide", "Petal", "Sparrow", "Willow",
        "Canyon", "Desert", "Rain", "Snow", "Thunder",
    ];
    pub const FORMS: &[&str] = &[
        "Nocturne", "Waltz", "Sonata", "Prelude", "Etude", "Fugue", "Ballade", "Rhapsody", "Minuet",
        "Lullaby", "Scherzo", "Toccata", "Impromptu", "Serenade", "Berceuse", "Gigue", "Mazurka",
        "Polonaise", "Gavotte", "Sarabande", "Fantasia", "Barcarolle", "Caprice", "Elegy", "March",
        "Rondo", "Romance", "Tarantella", "Habanera", "Tango", "Ragtime", "Boogie",
    ];
    pub const KEYS: &[&str] = &[
        "C", "C#", "D", "E-flat", "E", "F", "F#", "G", "A-flat", "A", "B-flat", "B",
    ];
    pub const NAMES: &[&str] = &[
        "Clara", "Frédéric", "Ludwig", "Amadeus", "Erik", "Claude", "Sergei", "Franz", "Johann",
        "Robert", "Fanny", "Maurice", "Béla", "Nadia", "Scott", "Duke", "Thelonious", "Yiruma",
        "Joe", "Ryuichi", "Ólafur", "Ludovico", "Hans", "Nobuo", "Koji", "Yoko", "Lena", "Mila",
        "Anouk", "Tomás",
    ];
    pub const TAGS: &[&str] = &[
        "anime", "video game", "film score", "classical", "jazz", "pop", "beginner friendly",
        "duet", "left hand", "arrangement", "original", "cover", "romantic", "baroque",
        "impressionist", "lofi", "ost", "christmas", "wedding", "sad", "happy", "relaxing", "epic",
        "slow", "fast", "practice", "exam piece", "sight reading", "transcription", "medley",
        "ballad", "rock", "k-pop", "folk", "waltz time", "left hand only", "ragtime", "blues",
        "minimalist", "improvisation",
    ];
}

/// Texts of 1 or 2 characters, in nearly every sheet ("a") or in none ("xy"): no trigram to
/// look up.
const SHORT_TEXTS: &[&str] = &["a", "no", "in", "7", "qu", "zz", "é", "xy"];

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
            "{:<10} {:<40} {:>10} {:>10}",
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
            "{backend:<10} {operation:<40} {:>10} {:>10}",
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

    let samples = if backend == "mongodb" {
        MONGODB_SEARCH_SAMPLES
    } else {
        SEARCH_SAMPLES
    };
    for (name, search) in SEARCHES {
        let found = RefCell::new(Vec::with_capacity(samples));
        let histogram = measure(samples, |i| {
            let (search, found) = (search(i), &found);
            async move {
                let total = store.sheets.search(&search).await.unwrap().total;
                found.borrow_mut().push(total);
            }
        })
        .await;
        let mut found = found.into_inner();
        found.sort_unstable();
        report(&format!("{name} ({} found)", found[samples / 2]), histogram);
    }
}

/// A kind of search measured: its name, and the search of sample `i`.
type SearchKind = (&'static str, fn(usize) -> SheetSearch);

const SEARCHES: [SearchKind; 4] = [
    ("search 3+ chars", long_search),
    ("search 1-2 chars", short_search),
    ("search 3+ chars + filters", filtered_search),
    ("search empty, paged", paged_search),
];

fn long_search(i: usize) -> SheetSearch {
    SheetSearch::new(&long_text(i), None, None, 0, 20).unwrap()
}

fn short_search(i: usize) -> SheetSearch {
    SheetSearch::new(SHORT_TEXTS[i % SHORT_TEXTS.len()], None, None, 0, 20).unwrap()
}

fn filtered_search(i: usize) -> SheetSearch {
    let (category, difficulty) = (CATEGORIES[i % 4], DIFFICULTIES[i / 4 % 4]);
    SheetSearch::new(&long_text(i), Some(category), Some(difficulty), 0, 20).unwrap()
}

/// No text, pages 1 to 50 of 20.
fn paged_search(i: usize) -> SheetSearch {
    SheetSearch::new("", None, None, (i as u64 % 50) * 20, 20).unwrap()
}

/// A search text of 3 or more characters, in three shapes people type: two words of a title,
/// a word and the start of the next, or a form and its key.
fn long_text(i: usize) -> String {
    let (adjective, noun) = (pick(ADJECTIVES, i, 1), pick(NOUNS, i, 2));
    let (form, key) = (pick(FORMS, i, 3), pick(KEYS, i, 4));
    match i % 3 {
        0 => format!("{adjective} {noun}"),
        1 => format!("{noun} {}", &form[..4]),
        _ => format!("{form} in {key}"),
    }
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
        let name = format!("Room {n} {}", FORMS[n % FORMS.len()]);
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
        let created = futures_util::future::join_all(
            chunk
                .iter()
                .map(|&n| store.sheets.create(new_sheet(n, &user_ids[n % USERS]))),
        )
        .await;
        for sheet in created {
            sheet.unwrap();
        }
    }
    (user_ids, room_names)
}

const CATEGORIES: [&str; 4] = ["classical", "jazz", "pop", "film"];
const DIFFICULTIES: [Difficulty; 4] = [
    Difficulty::Beginner,
    Difficulty::Intermediate,
    Difficulty::Advanced,
    Difficulty::Expert,
];

/// Sheet `n`, its words picked pseudo-randomly so that no text follows the upload order.
fn new_sheet(n: usize, creator_id: &str) -> NewSheet {
    let mut title = format!(
        "{} {} {}",
        pick(ADJECTIVES, n, 1),
        pick(NOUNS, n, 2),
        pick(FORMS, n, 3)
    );
    match n % 4 {
        0 => title += &format!(" in {} {}", pick(KEYS, n, 4), ["major", "minor"][n / 4 % 2]),
        1 => title += &format!(" No. {}", n % 30 + 1),
        _ => {}
    }
    let tags = (0..n % 3 + 1).map(|t| pick(TAGS, n, 5 + t as u32).to_owned());
    NewSheet {
        title,
        creator_id: creator_id.to_owned(),
        creator_name: format!("{} {}", pick(NAMES, n, 8), n % 40),
        tags: tags.collect(),
        category: pick(&CATEGORIES, n, 9).into(),
        difficulty: DIFFICULTIES[n % 4],
        format: SheetFormat::VirtualPiano,
        content: vec![b'a'; 512],
        timeline: None,
    }
}

/// A pseudo-random item of `items` for `n`, different for each `salt` (a multiplicative hash).
fn pick<'a>(items: &[&'a str], n: usize, salt: u32) -> &'a str {
    let hash = (n as u64 + 1)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(salt * 7)
        .wrapping_mul(0xBF58_476D_1CE4_E5B9);
    items[(hash >> 32) as usize % items.len()]
}

fn chat_message(n: usize) -> ChatMessage {
    ChatMessage {
        id: format!("{n:016x}"),
        sender: Some(Participant {
            id: "bench".into(),
            name: "Bench".into(),
            color: "#123456".into(),
            ..Default::default()
        }),
        text: format!("message number {n}"),
        time: n as f64,
    }
}

//! Raw bytes as a client's frames, decoded as a connection decodes them and dispatched into a
//! room shared by four players. Whatever arrives, the room must not panic, and everything it
//! sends must be a valid server message.

#![no_main]

#[path = "../src/input.rs"]
mod input;

use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use pianorhythm_engine::{
    limits::LimitsConfig,
    rooms::{sandbox::Sandbox, MemoryRecords, RoomSettings},
};

/// The runtime every input's room journal writes on.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
});

fuzz_target!(|bytes: &[u8]| {
    let _runtime = RUNTIME.enter();
    let settings = RoomSettings::with_name("Fuzz".into(), 3);
    // One chat message and one owner action per player and input: every path past the limits
    // is still reached, and the journal's writer (on the runtime's thread) keeps up.
    let limits = LimitsConfig {
        chat_burst: 1.0,
        owner_actions_per_second: 0.1,
        ..LimitsConfig::default()
    };
    // Records of its own, in memory: nothing carries over from one input to the next.
    let records = Arc::new(MemoryRecords::default());
    let mut room = Sandbox::new(records, "p0", settings, limits);
    for (id, address) in [
        ("p0", "10.0.0.1"),
        ("p1", "10.0.0.2"),
        ("p2", "10.0.0.3"),
        ("p3", "10.0.0.3"),
    ] {
        let client = room.connect(id, address.parse().unwrap());
        // In the room from the start (the fourth finds it full), so most frames reach its
        // rules; frames can still leave and join again.
        let _ = room.join(client, None);
    }
    for (client, frame) in input::frames(bytes) {
        room.feed(client, frame);
        for client in 0..room.clients() {
            room.received(client);
        }
    }
});

//! Record ids, laid out like a MongoDB ObjectId: 24 hex digits, the creation time in seconds,
//! a random value per process, and a counter.
//!
//! Both backends use the same ids, so records can move between them. They grow with time (which
//! keeps SQLite's B-tree appends local) and, within a process, with every id made, so ties in
//! `created_at` still sort newest first.

use std::{
    sync::{
        atomic::{AtomicU32, Ordering},
        LazyLock,
    },
    time::{SystemTime, UNIX_EPOCH},
};

const ID_LEN: usize = 24;
const COUNTER_MASK: u32 = 0xff_ffff;

/// Tells this process's ids from another's made in the same second.
static PROCESS: LazyLock<u64> = LazyLock::new(|| rand::random::<u64>() & 0xff_ffff_ffff);
static COUNTER: LazyLock<AtomicU32> = LazyLock::new(|| AtomicU32::new(rand::random::<u32>()));

pub fn new_id() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs()) as u32;
    let count = COUNTER.fetch_add(1, Ordering::Relaxed) & COUNTER_MASK;
    format!("{seconds:08x}{:010x}{count:06x}", *PROCESS)
}

/// Whether `id` could be one of ours.
pub fn is_well_formed(id: &str) -> bool {
    id.len() == ID_LEN && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_well_formed_and_distinct() {
        let (a, b) = (new_id(), new_id());
        assert!(is_well_formed(&a) && is_well_formed(&b));
        assert_ne!(a, b);
        for bad in [
            "",
            "lobby",
            "not-an-id",
            &"A".repeat(24),
            &"0".repeat(25),
            "'; DROP TABLE users; --",
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }
}

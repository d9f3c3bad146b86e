//! Record ids: MongoDB ObjectIds in hex, 24 digits holding the creation time in seconds, a
//! random value per process, and a counter. Rooms and chat messages get theirs here, and the
//! store gives the same to every record, so records can move between its backends. They grow
//! with time (which keeps SQLite's B-tree appends local) and, within a process, with every id
//! made, so ties in `created_at` still sort newest first.

use bson::oid::ObjectId;

const ID_LEN: usize = 24;

/// A new id, unique across processes.
pub fn new_id() -> String {
    ObjectId::new().to_hex()
}

/// Whether `id` could be one of ours: lower-case hex, as [`new_id`] writes it, so one record
/// never goes by two spellings.
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

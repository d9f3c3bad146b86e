//! Ids of rooms and chat messages: MongoDB ObjectIds in hex (24 digits: the creation time in
//! seconds, a random value per process, and a counter), the same shape the store gives every
//! record, so records can move between its backends. They grow with time, which keeps SQLite's
//! B-tree appends local, and within a process with every id made.

use bson::oid::ObjectId;

/// A new id, unique across processes.
pub fn new_id() -> String {
    ObjectId::new().to_hex()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_24_lowercase_hex_digits_and_grow() {
        let (a, b) = (new_id(), new_id());
        for id in [&a, &b] {
            assert_eq!(id.len(), 24);
            assert!(id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        }
        assert!(b > a);
    }
}

//! How a fuzz input is cut into frames: `[client: u8][length: u16 le][frame]`, repeated.

/// Players in the fuzzed room; client 0 owns it, clients 2 and 3 share an address.
pub const CLIENTS: u8 = 4;

pub fn frames(mut input: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    std::iter::from_fn(move || {
        let [client, low, high, rest @ ..] = input else {
            return None;
        };
        let length = usize::from(u16::from_le_bytes([*low, *high])).min(rest.len());
        let (frame, after) = rest.split_at(length);
        input = after;
        Some((usize::from(client % CLIENTS), frame))
    })
}

//! How a fuzz input is cut into frames: `[client: u8][length: u16 le][frame]`, repeated.
//! Shared by the target and the seed writer so the seeds are inputs the target understands.

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

#[allow(dead_code)] // Used by the seed writer, not by the target.
pub fn encode(client: u8, frame: &[u8]) -> Vec<u8> {
    let length = u16::try_from(frame.len()).expect("seed frames are small");
    let mut bytes = vec![client];
    bytes.extend(length.to_le_bytes());
    bytes.extend(frame);
    bytes
}

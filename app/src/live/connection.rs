//! Where the player's connection to the real-time server stands.

/// What the player's connection to the real-time server is doing.
// The server build only ever renders `Offline`; the browser build drives the rest.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConnectionStatus {
    Offline,
    Connecting,
    /// Connected and clock-synced; carries the last round-trip time in ms.
    Online {
        ping_ms: f64,
    },
}

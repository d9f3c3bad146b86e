//! Where the player's actions go beyond the page's own signals: in the browser, to the
//! WebSocket and the synthesizer, and the browser's own notifications (the app hands
//! `browser::OUTLET` to [`Live::new`]); on the server, nowhere, as there is no connection and
//! no sound. Passed in, so that the live state
//! does not depend on the browser code that fills it.

use pianorhythm_core::protocol::ClientMessage;

use super::Live;

/// The effects of the player's actions, as plain functions.
#[derive(Clone, Copy)]
pub struct Outlet {
    /// Sends a request to the server.
    pub send: fn(ClientMessage),
    /// Plays (`true`) or releases a note (MIDI key, velocity): heard and shown at once, sent
    /// to the room.
    pub play: fn(&Live, u8, u8, bool),
    /// Sustain pedal down (`true`) or up: heard at once, sent to the room.
    pub pedal: fn(&Live, bool),
    /// Shows a notification the server pushed as the browser's own, if the tab is hidden and
    /// the player wants those.
    pub notify: fn(String),
}

impl Outlet {
    /// For the server's render: every action does nothing.
    pub const NONE: Self = Self {
        send: |_| {},
        play: |_, _, _, _| {},
        pedal: |_, _| {},
        notify: |_| {},
    };
}

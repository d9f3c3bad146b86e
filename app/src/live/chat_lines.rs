//! The lines of the room's chat as this page shows them: the room's messages, and the page's
//! own lines (who joined or left, the crown passing, the commands' answers), shown to this
//! player alone and never sent. A line of the page's own is a message without a sender: every
//! message the room relays has one.

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::prelude::{Update, WithUntracked};
use pianorhythm_core::{chat_text, protocol::ChatMessage};

use super::Live;

/// The most lines kept: older ones scroll away.
const MAX_LINES: usize = 200;

/// Numbers the page's own lines, so each has an id no message of the room's shares (the list
/// keys lines by id).
static OWN_LINES: AtomicU32 = AtomicU32::new(0);

impl Live {
    /// A new line from the room: shown, and if it mentions this player (by the name they show)
    /// while the tab is hidden, the browser's own notification says so.
    pub fn chat_arrived(&self, message: ChatMessage) {
        let mentioned_by = message.sender.as_ref().filter(|sender| {
            self.me.with_untracked(|me| {
                me.as_ref().is_some_and(|me| {
                    me.id != sender.id && chat_text::mentions(&message.text, &me.name)
                })
            })
        });
        if let Some(sender) = mentioned_by {
            self.notify(format!("{} mentioned you: {}", sender.name, message.text));
        }
        self.show_message(message);
    }

    /// Shows a message the room relayed.
    fn show_message(&self, message: ChatMessage) {
        self.chat.update(|chat| {
            chat.push(message);
            let excess = chat.len().saturating_sub(MAX_LINES);
            chat.drain(..excess);
        });
    }

    /// Shows a line to this player alone, stamped now.
    pub fn say(&self, text: String) {
        let number = OWN_LINES.fetch_add(1, Ordering::Relaxed);
        self.show_message(ChatMessage {
            id: format!("page-{number}"),
            sender: None,
            text,
            time: now(),
        });
    }
}

/// The time now (ms since the epoch); the server's render shows no chat.
fn now() -> f64 {
    #[cfg(feature = "hydrate")]
    return js_sys::Date::now();
    #[cfg(not(feature = "hydrate"))]
    0.0
}

//! The lines of the room's chat as this page shows them: the room's messages, and the page's
//! own notices (who joined or left, the crown passing, the commands' answers), which are
//! shown to this player alone and never sent.

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::prelude::Update;
use pianorhythm_core::protocol::ChatMessage;

use super::Live;

/// The most lines kept: older ones scroll away.
const MAX_LINES: usize = 200;

/// Numbers the page's own lines, so each has an id no message of the room's shares.
static NOTICES: AtomicU32 = AtomicU32::new(0);

/// A line of the chat.
#[derive(Clone, Debug, PartialEq)]
pub enum ChatLine {
    /// A message the room relayed, or kept from before the player came.
    Message(ChatMessage),
    /// A line of the page's own.
    Notice {
        /// "notice-<n>": the list keys lines by id.
        id: String,
        /// What it says.
        text: String,
    },
}

impl ChatLine {
    /// What the list keys the line by.
    pub fn id(&self) -> &str {
        match self {
            Self::Message(message) => &message.id,
            Self::Notice { id, .. } => id,
        }
    }
}

impl Live {
    /// Shows a message the room relayed.
    pub fn show_message(&self, message: ChatMessage) {
        self.push_line(ChatLine::Message(message));
    }

    /// Shows a line to this player alone.
    pub fn say(&self, text: String) {
        let number = NOTICES.fetch_add(1, Ordering::Relaxed);
        let id = format!("notice-{number}");
        self.push_line(ChatLine::Notice { id, text });
    }

    fn push_line(&self, line: ChatLine) {
        self.chat.update(|chat| {
            chat.push(line);
            let excess = chat.len().saturating_sub(MAX_LINES);
            chat.drain(..excess);
        });
    }
}

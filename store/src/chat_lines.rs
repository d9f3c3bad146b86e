//! A report's chat lines as both backends keep them: plain records, serialised with serde
//! (JSON on SQLite, embedded documents on MongoDB), so both read back the same messages.

use pianorhythm_core::protocol::{ChatMessage, Participant};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ChatLine {
    /// The message's id in its room.
    message_id: String,
    /// Who sent it, by participant id...
    sender_id: String,
    /// ...and by the name they showed then.
    sender_name: String,
    /// Their colour, so the staff page can show the line as players saw it.
    sender_color: String,
    /// What was said.
    text: String,
    /// When, in the protocol's milliseconds.
    time: f64,
}

impl From<&ChatMessage> for ChatLine {
    fn from(message: &ChatMessage) -> Self {
        let sender = message.sender.clone().unwrap_or_default();
        Self {
            message_id: message.id.clone(),
            sender_id: sender.id,
            sender_name: sender.name,
            sender_color: sender.color,
            text: message.text.clone(),
            time: message.time,
        }
    }
}

impl From<ChatLine> for ChatMessage {
    fn from(line: ChatLine) -> Self {
        Self {
            id: line.message_id,
            sender: Some(Participant {
                id: line.sender_id,
                name: line.sender_name,
                color: line.sender_color,
                ..Default::default()
            }),
            text: line.text,
            time: line.time,
        }
    }
}

/// The lines of `chat`, in order.
pub(crate) fn lines_of(chat: &[ChatMessage]) -> Vec<ChatLine> {
    chat.iter().map(ChatLine::from).collect()
}

/// The messages of `lines`, in order.
pub(crate) fn messages_of(lines: Vec<ChatLine>) -> Vec<ChatMessage> {
    lines.into_iter().map(ChatMessage::from).collect()
}

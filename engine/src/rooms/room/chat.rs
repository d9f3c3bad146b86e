//! Chat: checked, stored, then shown. A message is broadcast only once the journal has stored
//! it, so the sender's echo means it is on disk. Of the chat commands only `/me` lines are
//! messages: any other line starting with "/" is refused to its sender, whatever the client.

use pianorhythm_core::{
    chat_command,
    protocol::{server_message::Kind, ChatDeleted, ChatMessage},
};

use super::Room;
use crate::{
    clock, frames, ids, names,
    rooms::{Origin, RoomError},
};

impl Room {
    pub(super) fn chat(&mut self, origin: &Origin, text: &str) -> Result<(), RoomError> {
        let index = self.sender_index(origin)?;
        let now = clock::now_ms();
        if self
            .mutes
            .get(origin.participant_id())
            .is_some_and(|until| *until > now)
        {
            return Err(RoomError::NotAllowed("you are muted in this room"));
        }
        if !self.settings.chat_enabled && !self.is_owner(origin.participant_id()) {
            return Err(RoomError::NotAllowed("chat is turned off in this room"));
        }
        let text = names::chat_text(text)?;
        chat_command::sendable(&text)?;
        if !self.journal.has_room_for(1) {
            return Err(RoomError::Unavailable(
                "the room is busy; send it again in a moment",
            ));
        }
        self.context.limits.try_chat(&origin.player)?;
        let message = ChatMessage {
            id: ids::new_id(),
            sender: Some(self.members[index].participant.clone()),
            text,
            time: clock::now_ms(),
        };
        // Shown once stored (see `journal`): the sender's echo means it is on disk.
        self.journal
            .chat(message)
            .map_err(|_| RoomError::Unavailable("the room is busy; send it again in a moment"))
    }

    pub(super) fn show_chat(&mut self, message: ChatMessage) {
        if self.chat.len() == pianorhythm_core::rooms::CHAT_HISTORY_LEN {
            self.chat.pop_front();
        }
        let sender_id = message.sender.as_ref().map(|sender| sender.id.clone());
        self.chat.push_back(message.clone());
        let frame = frames::encode(Kind::Chat(message));
        match sender_id {
            // The sender's own echo tells them it is stored.
            Some(sender_id) => self.send_from(&sender_id, &frame, true),
            None => self.broadcast(&frame),
        }
    }

    /// Takes a message out of the room's history, here and in the store, and tells everyone.
    pub(super) fn remove_chat(&mut self, message_id: &str) -> Result<(), RoomError> {
        let position = self
            .chat
            .iter()
            .position(|message| message.id == message_id)
            .ok_or(RoomError::NotAllowed(
                "no such message in this room's recent chat",
            ))?;
        self.chat.remove(position);
        self.journal
            .delete_chat(message_id.to_owned())
            .map_err(|_| RoomError::Unavailable("the room is busy; try again in a moment"))?;
        self.broadcast(&frames::encode(Kind::ChatDeleted(ChatDeleted {
            message_id: message_id.to_owned(),
        })));
        Ok(())
    }

    /// Tells the sender (if still here) that their message was lost.
    pub(super) fn chat_not_stored(&self, message: &ChatMessage) {
        let sender = message.sender.as_ref().map(|sender| sender.id.as_str());
        if let Some(index) = sender.and_then(|id| self.member_index(id)) {
            let error =
                RoomError::Unavailable("your message could not be saved; please send it again");
            self.members[index].push(&error.frame());
        }
    }
}

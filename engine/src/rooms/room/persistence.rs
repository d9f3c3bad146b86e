//! The room's stored record: written before a new room admits anyone, then behind every
//! change; and the audit log of what owners did.

use pianorhythm_core::{
    domain::{
        audit::{AuditAction, AuditEntry},
        room::StoredRoom,
    },
    rooms::CHAT_HISTORY_LEN,
};

use super::Room;
use crate::{
    clock::{self, now_millis},
    rooms::Origin,
};

impl Room {
    /// Before serving anyone: stores a new room (so creating it is durable before the creator
    /// is told they joined) and loads the recent chat. `false` if the room cannot be stored.
    pub(super) async fn open(&mut self) -> bool {
        if self.is_new {
            if let Err(error) = self.journal.save_now(&self.record()).await {
                tracing::error!(room = %self.id, %error, "cannot store a new room; closing it");
                return false;
            }
            let name = self.settings.name.clone();
            self.audit(AuditAction::RoomCreated, self.owner_id.clone(), None, name);
        }
        match self.journal.recent_chat(CHAT_HISTORY_LEN as u32).await {
            Ok(recent) => self.chat = recent.into(),
            Err(error) => tracing::warn!(room = %self.id, %error, "cannot load the recent chat"),
        }
        true
    }

    /// The room as stored: settings, owner and the bans still in force.
    pub(super) fn record(&self) -> StoredRoom {
        let now = clock::now_ms();
        StoredRoom {
            id: self.id.to_string(),
            settings: self.settings.clone(),
            owner_id: self.owner_id.clone(),
            bans: self
                .bans
                .iter()
                .filter(|ban| ban.until_ms > now)
                .cloned()
                .collect(),
            created_at: self.created_at,
            updated_at: now_millis(),
        }
    }

    /// Stores the room's state after a change (written behind; only the latest counts).
    pub(super) fn persist(&self) {
        if !self.permanent {
            self.journal.save_room(self.record());
        }
    }

    /// Logs what the server did on its own (a room created, a crown passed on).
    pub(super) fn audit(
        &self,
        action: AuditAction,
        actor_id: Option<String>,
        target_id: Option<String>,
        details: String,
    ) {
        self.journal.audit(AuditEntry {
            at: now_millis(),
            action,
            actor_id,
            room_id: Some(self.id.to_string()),
            target_id,
            details,
            address: None,
            user_agent: None,
        });
    }

    /// Logs what a player did, with the address and client they did it from.
    pub(super) fn audit_by(
        &self,
        origin: &Origin,
        action: AuditAction,
        target_id: String,
        details: String,
    ) {
        self.journal.audit(AuditEntry {
            at: now_millis(),
            action,
            actor_id: Some(origin.participant_id().to_owned()),
            room_id: Some(self.id.to_string()),
            target_id: Some(target_id),
            details,
            address: Some(origin.player.address.to_string()),
            user_agent: origin.user_agent.as_deref().map(str::to_owned),
        });
    }
}

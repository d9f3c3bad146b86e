//! What only the owner may do: change the settings, kick, ban, give the crown. Each action
//! draws on the owner's allowance of owner actions, and one that is written to the audit log
//! is refused while the room's journal is backed up, so no action goes unrecorded.

use std::time::Duration;

use pianorhythm_core::{domain::audit::AuditAction, protocol::LeaveReason};

use super::{membership::address_ban_key, Room};
use crate::{
    clock,
    rooms::{command::PasswordChange, Origin, RoomError},
};
use pianorhythm_core::protocol::RoomSettingsUpdate;

impl Room {
    /// The sender's index if they own this room and may act now.
    fn require_owner(&self, origin: &Origin, audited: bool) -> Result<usize, RoomError> {
        let index = self.sender_index(origin)?;
        if self.permanent {
            return Err(RoomError::NotAllowed("the Lobby cannot be changed"));
        }
        if !self.is_owner(origin.participant_id()) {
            return Err(RoomError::NotAllowed("only the room owner can do that"));
        }
        if audited && !self.journal.has_room_for(1) {
            return Err(RoomError::Unavailable(
                "the room is busy; try again in a moment",
            ));
        }
        self.context.limits.try_owner_action(&origin.player)?;
        Ok(index)
    }

    pub(super) fn update_settings(
        &mut self,
        origin: &Origin,
        update: &RoomSettingsUpdate,
        password: PasswordChange,
    ) -> Result<(), RoomError> {
        self.require_owner(origin, false)?;
        let mut next = self.settings.clone();
        next.apply(update)?;
        if let Some(name) = &update.name {
            next.name = crate::names::room_name(name)?;
        }
        match password {
            PasswordChange::Keep => {}
            PasswordChange::Remove => next.password = None,
            PasswordChange::Set { hash } => next.password = Some(hash),
        }
        self.context
            .directory
            .rename(&self.id, &self.settings.name, &next.name)?;
        let rate_changed = next.note_rate != self.settings.note_rate;
        self.settings = next;
        self.persist();
        if rate_changed {
            self.note_budgets.set_rate(self.settings.note_rate);
            self.broadcast(&self.note_quota_frame(0));
        }
        self.announce_room();
        Ok(())
    }

    /// Kick (no duration) or ban (for `ban`) a player, by the owner.
    pub(super) fn remove_by_owner(
        &mut self,
        origin: &Origin,
        target: &str,
        ban: Option<Duration>,
    ) -> Result<(), RoomError> {
        if target == origin.participant_id() {
            self.require_owner(origin, false)?;
            return Err(RoomError::NotAllowed("you cannot remove yourself"));
        }
        self.require_owner(origin, true)?;
        let index = self.member_index(target).ok_or(RoomError::PlayerNotFound)?;
        let removed = self.remove_member(index);
        let target = Some(removed.participant.id.clone());
        let actor = Some(origin.participant_id().to_owned());
        let frame = match ban {
            Some(duration) => {
                let duration = if duration.is_zero() {
                    self.context.config.default_ban
                } else {
                    duration
                };
                let until = clock::now_ms() + duration.as_secs_f64() * 1000.0;
                self.bans.insert(removed.participant.id.clone(), until);
                self.bans.insert(address_ban_key(removed.address), until);
                self.persist();
                let details = format!("for {} s", duration.as_secs());
                self.audit(AuditAction::PlayerBanned, actor, target, details);
                self.left_frame(LeaveReason::BannedFromRoom, until)
            }
            None => {
                self.audit(AuditAction::PlayerKicked, actor, target, String::new());
                self.left_frame(LeaveReason::Kicked, 0.0)
            }
        };
        removed.push(&frame);
        Ok(())
    }

    pub(super) fn give_crown(&mut self, origin: &Origin, target: &str) -> Result<(), RoomError> {
        self.require_owner(origin, true)?;
        let index = self.member_index(target).ok_or(RoomError::PlayerNotFound)?;
        let heir = self.members[index].participant.id.clone();
        self.owner_id = Some(heir.clone());
        self.announce_room();
        self.persist();
        let actor = Some(origin.participant_id().to_owned());
        self.audit(AuditAction::CrownChanged, actor, Some(heir), "given".into());
        Ok(())
    }
}

//! The owner's settings and crown, and the actions an owner shares with moderators: kicks,
//! bans, mutes and deleting chat. Moderators (and admins) may do those in every room, the
//! Lobby included. Each action draws on the actor's allowance of owner actions, and one that
//! is written to the audit log is refused while the room's journal is backed up, so no action
//! goes unrecorded.

use std::time::Duration;

use pianorhythm_core::{
    domain::{audit::AuditAction, ban::BanLength, room::RoomBan, user::Role},
    protocol::{LeaveReason, RoomSettingsUpdate},
};

use super::Room;
use crate::{
    clock,
    policy::{self, Action},
    rooms::{command::PasswordChange, Origin, RoomError},
};

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
        self.may_act_now(origin, audited)?;
        Ok(index)
    }

    /// The sender's index if they may moderate here (the owner, or staff in any room) and may
    /// act now.
    fn require_moderator(&self, origin: &Origin) -> Result<usize, RoomError> {
        let index = self.sender_index(origin)?;
        if !policy::allows(origin.role, Action::ModerateAnyRoom) {
            if self.permanent {
                return Err(RoomError::NotAllowed(
                    "only moderators can do that in the Lobby",
                ));
            }
            if !self.is_owner(origin.participant_id()) {
                return Err(RoomError::NotAllowed("only the room owner can do that"));
            }
        }
        self.may_act_now(origin, true)?;
        Ok(index)
    }

    fn may_act_now(&self, origin: &Origin, audited: bool) -> Result<(), RoomError> {
        if audited && !self.journal.has_room_for(1) {
            return Err(RoomError::Unavailable(
                "the room is busy; try again in a moment",
            ));
        }
        self.context.limits.try_owner_action(&origin.player)?;
        Ok(())
    }

    /// The target's index, unless it is the actor or staff the actor does not outrank.
    fn target_index(&self, origin: &Origin, target: &str) -> Result<usize, RoomError> {
        if target == origin.participant_id() {
            return Err(RoomError::NotAllowed("you cannot do that to yourself"));
        }
        let index = self.member_index(target).ok_or(RoomError::PlayerNotFound)?;
        let role = self.members[index].role;
        if role >= Role::Moderator && role >= origin.role {
            return Err(RoomError::NotAllowed(
                "moderators answer only to those above them",
            ));
        }
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

    /// Kick (no duration) or ban (for `ban`) a player, by the owner or a moderator. A ban
    /// holds against the player's participant id, their browser and their address: a guest
    /// comes back with a new cookie as a new guest, and an account signs out into its
    /// browser's guest.
    pub(super) fn remove_player(
        &mut self,
        origin: &Origin,
        target: &str,
        ban: Option<Duration>,
    ) -> Result<(), RoomError> {
        self.require_moderator(origin)?;
        let index = self.target_index(origin, target)?;
        // Checked before anyone is removed: a refused length changes nothing.
        let length = ban.map(|duration| self.or_default(duration)).transpose()?;
        let removed = self.remove_member(index);
        let target = removed.participant.id.clone();
        let frame = match length {
            Some(length) => {
                let until = length.ends_at_server_time(clock::now_ms());
                self.bans.retain(|ban| ban.participant_id != target);
                self.bans.push(RoomBan {
                    participant_id: target.clone(),
                    address: Some(removed.address),
                    browser: removed.browser.as_deref().map(str::to_owned),
                    until_ms: until,
                });
                self.persist();
                let details = length.describe();
                self.audit_by(origin, AuditAction::PlayerBanned, target, details);
                self.left_frame(LeaveReason::BannedFromRoom, until)
            }
            None => {
                self.audit_by(origin, AuditAction::PlayerKicked, target, String::new());
                self.left_frame(LeaveReason::Kicked, 0.0)
            }
        };
        removed.push(&frame);
        Ok(())
    }

    /// Silences a player's chat here for `duration` (zero: the default ban length).
    pub(super) fn mute(
        &mut self,
        origin: &Origin,
        target: &str,
        duration: Duration,
    ) -> Result<(), RoomError> {
        self.require_moderator(origin)?;
        let index = self.target_index(origin, target)?;
        let duration = self.or_default(duration)?;
        let target = self.members[index].participant.id.clone();
        let until = duration.ends_at_server_time(clock::now_ms());
        self.mutes.insert(target.clone(), until);
        let details = duration.describe();
        self.audit_by(origin, AuditAction::PlayerMuted, target, details);
        Ok(())
    }

    /// Removes a chat message from the room and its stored history.
    pub(super) fn delete_chat(
        &mut self,
        origin: &Origin,
        message_id: &str,
    ) -> Result<(), RoomError> {
        self.require_moderator(origin)?;
        let author = self
            .chat
            .iter()
            .find(|message| message.id == message_id)
            .and_then(|message| message.sender.as_ref())
            .map(|sender| sender.id.clone())
            .unwrap_or_default();
        self.remove_chat(message_id)?;
        let details = format!("message {message_id}");
        self.audit_by(origin, AuditAction::ChatMessageDeleted, author, details);
        Ok(())
    }

    pub(super) fn give_crown(&mut self, origin: &Origin, target: &str) -> Result<(), RoomError> {
        self.require_owner(origin, true)?;
        let index = self.member_index(target).ok_or(RoomError::PlayerNotFound)?;
        let heir = self.members[index].participant.id.clone();
        self.owner_id = Some(heir.clone());
        self.announce_room();
        self.persist();
        self.audit_by(origin, AuditAction::CrownChanged, heir, "given".into());
        Ok(())
    }

    /// A guest who owned this room signed in: their account owns it now.
    pub(super) fn transfer_ownership(&mut self, from: &str, to: String) {
        if self.is_owner(from) {
            self.owner_id = Some(to.clone());
            self.announce_room();
            self.persist();
            self.audit(
                AuditAction::CrownChanged,
                Some(from.to_owned()),
                Some(to),
                "signed in".into(),
            );
        }
    }

    /// The length asked for (zero: the default ban length), within the one rule for bans.
    fn or_default(&self, duration: Duration) -> Result<BanLength, RoomError> {
        let duration = match duration.is_zero() {
            true => self.context.config.default_ban,
            false => duration,
        };
        Ok(BanLength::new(duration)?)
    }
}

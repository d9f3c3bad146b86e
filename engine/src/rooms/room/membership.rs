//! Joining (bans, password, capacity), tabs, leaving, and the crown passing on.

use bytes::Bytes;
use pianorhythm_core::{
    domain::{audit::AuditAction, user::Role},
    protocol::{
        server_message::Kind, LeaveReason, Participant, ParticipantJoined, ParticipantLeft,
        ParticipantUpdated, RoomJoined, RoomLeft,
    },
};

use super::{Member, Room};
use crate::{
    blocks::BlockedPlayers,
    clock, frames,
    outbox::Rejoin,
    rooms::{password, Origin, RoomError},
};

impl Room {
    pub(super) fn join(
        &mut self,
        origin: &Origin,
        participant: Participant,
        proof: Option<String>,
        blocked: BlockedPlayers,
    ) -> Result<(), RoomError> {
        self.admits(origin, &participant.id, proof.as_deref())?;
        match self.member_index(&participant.id) {
            // The same player in another tab: one participant, one more connection.
            Some(index) => {
                let member = &mut self.members[index];
                if !member
                    .connections
                    .iter()
                    .any(|(id, _)| *id == origin.connection)
                {
                    member
                        .connections
                        .push((origin.connection, origin.outbox.clone()));
                }
                // The newest connection knows the player's newest list.
                member.blocked = blocked.clone();
            }
            None => {
                let joined = frames::encode(Kind::ParticipantJoined(ParticipantJoined {
                    participant: Some(participant.clone()),
                }));
                self.broadcast(&joined);
                self.members.push(Member {
                    participant,
                    address: origin.player.address,
                    browser: origin.browser.clone(),
                    role: origin.role,
                    connections: vec![(origin.connection, origin.outbox.clone())],
                    blocked: blocked.clone(),
                });
                self.empty_since = None;
                self.publish();
            }
        }
        let snapshot = RoomJoined {
            room: Some(self.info()),
            participants: self.members.iter().map(|m| m.participant.clone()).collect(),
            recent_chat: self
                .chat
                .iter()
                .filter(|message| {
                    let sender = message.sender.as_ref().map(|sender| sender.id.as_str());
                    !sender.is_some_and(|sender| blocked.contains(sender))
                })
                .cloned()
                .collect(),
        };
        origin
            .outbox
            .push(frames::encode(Kind::RoomJoined(snapshot)));
        origin.outbox.push(self.note_quota_frame(0));
        Ok(())
    }

    /// Whether the player would be let in now: not banned and, unless already in the room in
    /// another tab, with the password's proof and a free place.
    pub(super) fn admits(
        &mut self,
        origin: &Origin,
        player_id: &str,
        proof: Option<&str>,
    ) -> Result<(), RoomError> {
        self.check_bans(origin, player_id, clock::now_ms())?;
        if self.member_index(player_id).is_some() {
            return Ok(());
        }
        // The password first: a private room's other answers would tell it exists.
        if let Some(hash) = &self.settings.password {
            if !self.is_owner(player_id) && proof != Some(password::proof_of(hash).as_str()) {
                return Err(RoomError::PasswordCheck {
                    hash: hash.clone(),
                    private: self.settings.private,
                });
            }
        }
        if self.members.len() >= self.settings.max_players as usize {
            return Err(RoomError::RoomFull);
        }
        Ok(())
    }

    /// Refuses a banned player, whether they come back as themselves, signed out in the same
    /// browser, or as a new guest from the same address. The owner is never kept out of their
    /// own room, even when they share a browser or an address.
    fn check_bans(&mut self, origin: &Origin, player_id: &str, now: f64) -> Result<(), RoomError> {
        if self.is_owner(player_id) {
            return Ok(());
        }
        self.bans.retain(|ban| ban.until_ms > now);
        let browser = origin.browser.as_deref();
        let guest_address = (origin.role == Role::Guest).then_some(origin.player.address);
        let until = self
            .bans
            .iter()
            .filter(|ban| ban.holds_against(player_id, browser, guest_address))
            .map(|ban| ban.until_ms)
            .reduce(f64::max);
        match until {
            Some(until) => Err(RoomError::Banned {
                // Rounded up, so "0 seconds left" is never said to a player still kept out.
                seconds_left: ((until - now) / 1000.0).ceil().max(1.0) as u64,
            }),
            None => Ok(()),
        }
    }

    pub(super) fn leave(&mut self, origin: &Origin) {
        let Ok(index) = self.sender_index(origin) else {
            return;
        };
        self.members[index]
            .connections
            .retain(|(id, _)| *id != origin.connection);
        origin.outbox.push(self.left_frame(LeaveReason::Left, 0.0));
        if self.members[index].connections.is_empty() {
            self.remove_member(index);
        }
    }

    pub(super) fn left_frame(&self, reason: LeaveReason, banned_until: f64) -> Bytes {
        frames::encode(Kind::RoomLeft(RoomLeft {
            room_id: self.id.to_string(),
            reason: reason as i32,
            banned_until,
        }))
    }

    /// Takes a player out, tells the others, and passes the crown on if they held it.
    pub(super) fn remove_member(&mut self, index: usize) -> Member {
        let member = self.members.remove(index);
        let left = frames::encode(Kind::ParticipantLeft(ParticipantLeft {
            participant_id: member.participant.id.clone(),
        }));
        self.broadcast(&left);
        if self.is_owner(&member.participant.id) {
            if let Some(heir) = self.members.first() {
                let heir = heir.participant.id.clone();
                self.owner_id = Some(heir.clone());
                self.announce_room();
                self.persist();
                let details = "the owner left".to_owned();
                self.audit(AuditAction::CrownChanged, None, Some(heir), details);
            }
            // An empty room keeps its owner: they may come back within the grace period.
        }
        if self.members.is_empty() && !self.permanent {
            self.empty_since = Some(tokio::time::Instant::now());
        }
        self.note_budgets.forget_refilled(self.seconds());
        self.publish();
        member
    }

    /// Takes out the connections of an instance that has gone (and the players who had no
    /// other), as if each had left.
    pub(super) fn instance_gone(&mut self, instance: &str) {
        for member in &mut self.members {
            member
                .connections
                .retain(|(_, outbox)| outbox.instance() != Some(instance));
        }
        while let Some(index) = self
            .members
            .iter()
            .position(|member| member.connections.is_empty())
        {
            self.remove_member(index);
        }
    }

    /// Another instance holds the room now: its players here are told to join it there, its
    /// players elsewhere have been already (their instances took this one for gone), and this
    /// copy leaves the directory, but not the store or the shared records, which are the new
    /// home's.
    pub(super) fn hand_over(&mut self) {
        for member in &self.members {
            for (_, outbox) in &member.connections {
                if outbox.instance().is_none() {
                    outbox.rejoin(Rejoin::Room(self.id.clone()));
                }
            }
        }
        self.context.directory.remove(&self.id, &self.settings.name);
        self.moved = true;
        tracing::warn!(room = %self.id, "another instance holds this room now; handed over");
    }

    /// The player's block list changed: from now on the room follows the new one.
    pub(super) fn set_blocks(&mut self, origin: &Origin, blocked: BlockedPlayers) {
        if let Some(index) = self.member_index(origin.participant_id()) {
            self.members[index].blocked = blocked;
        }
    }

    pub(super) fn update_profile(&mut self, participant: Participant) {
        let Some(index) = self.member_index(&participant.id) else {
            return;
        };
        self.members[index].participant = participant.clone();
        self.broadcast(&frames::encode(Kind::ParticipantUpdated(
            ParticipantUpdated {
                participant: Some(participant),
            },
        )));
        self.publish();
    }
}

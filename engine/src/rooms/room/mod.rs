//! One room's state and the task that owns it. Each concern has a file of its own:
//!
//! - `membership`: joining (bans, password, capacity), tabs, leaving, the crown passing on
//! - `notes`: relaying note batches within each player's note budget
//! - `chat`: messages, stored before they are shown
//! - `moderation`: the owner's settings and crown; kicks, bans, mutes and chat deletion by the
//!   owner or a moderator
//! - `persistence`: the room's stored record, opening, the audit log

mod chat;
mod membership;
mod moderation;
mod notes;
mod persistence;

use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
    sync::Arc,
    time::Instant,
};

use bytes::Bytes;
use pianorhythm_core::{
    domain::{room::RoomBan, user::Role, UnixMillis},
    protocol::{server_message::Kind, ChatMessage, Participant, RoomInfo, RoomPlayer, RoomUpdated},
    rooms::{RoomSummary, CHAT_HISTORY_LEN},
};
use tokio::sync::mpsc;

use super::{
    directory::Directory, journal::Journal, Cluster, Origin, RoomCommand, RoomError, RoomSettings,
    RoomsConfig,
};
use crate::{
    blocks::BlockedPlayers,
    clock::now_millis,
    frames,
    limits::{PlayerLimits, RoomPermit},
    outbox::Outbox,
    shutdown::Shutdown,
};
use notes::NoteBudgets;

/// Players a room's line in the lobby names: enough to see who is playing, few enough that a
/// busy lobby's list stays small.
const LISTED_PLAYERS: usize = 5;

pub enum RoomKind {
    /// The Lobby: never removed, no owner, settings fixed, not stored (its chat is).
    Permanent,
    /// A room a player just created: stored before it admits anyone. It counts against its
    /// creator's live rooms for as long as it lives.
    Created {
        owner_id: String,
        permit: RoomPermit,
    },
    /// A stored room brought back after a restart, empty until its players return.
    Restored {
        owner_id: Option<String>,
        bans: Vec<RoomBan>,
        created_at: UnixMillis,
    },
}

/// What a room needs from the rest of the server, and nothing more.
#[derive(Clone)]
pub struct RoomContext {
    /// Where the room's name is registered and its summary published.
    pub directory: Arc<Directory>,
    /// Grace period and default ban length.
    pub config: RoomsConfig,
    /// Player-level allowances (chat, moderation) shared with every other room.
    pub limits: Arc<PlayerLimits>,
    /// Ends the room (its journal writes what is left) when the server stops.
    pub shutdown: Shutdown,
    /// Where the room's home and name are shared with the other instances.
    pub cluster: Arc<dyn Cluster>,
}

impl RoomContext {
    /// Takes a closing room out of the directory and lets go of it in the cluster.
    fn closed(&self, id: &Arc<str>, name: &str) {
        self.directory.remove(id, name);
        let cluster = self.cluster.clone();
        let (id, key) = (id.clone(), crate::names::room_key(name));
        tokio::spawn(async move {
            if let Err(error) = cluster.release(&id, &key).await {
                tracing::warn!(room = %id, %error, "cannot let go of a closed room in the cluster");
            }
        });
    }
}

struct Member {
    /// The player as the room shows them.
    participant: Participant,
    /// Where the player joined from, for bans that a new cookie does not lift.
    address: IpAddr,
    /// The guest id of the browser they joined from, for bans that signing out does not lift.
    browser: Option<Arc<str>>,
    /// The player's role: staff cannot be removed by those below them.
    role: Role,
    /// The player's open connections here: one per tab.
    connections: Vec<(u64, Outbox)>,
    /// Whom the player blocks: their notes and chat are not sent to this member.
    blocked: BlockedPlayers,
}

impl Member {
    fn push(&self, frame: &Bytes) {
        for (_, outbox) in &self.connections {
            outbox.push(frame.clone());
        }
    }
}

pub struct Room {
    /// The room's id, fixed for its life (and across restarts).
    id: Arc<str>,
    /// Name, password hash, limits and rules, as the owner last set them.
    settings: RoomSettings,
    /// The Lobby: no owner, fixed settings, never removed.
    permanent: bool,
    /// Who may change the settings, kick, ban and give the crown.
    owner_id: Option<String>,
    /// In order of arrival: when the owner leaves, the crown goes to the first.
    members: Vec<Member>,
    /// The last messages, shown to players who join.
    chat: VecDeque<ChatMessage>,
    /// Who is banned (by participant, browser and address) and until when (server time, ms).
    bans: Vec<RoomBan>,
    /// Participant id to the server time (ms) their mute ends: they may not chat here.
    mutes: HashMap<String, f64>,
    /// What each player (and address) may still play here; kept when they leave, so leaving
    /// and coming back does not refill it.
    note_budgets: NoteBudgets,
    /// What the room needs from the rest of the server.
    context: RoomContext,
    /// Where the room's chat, state and audit entries are written, off the actor.
    journal: Journal,
    /// Whether the room's record must be stored before it serves anyone.
    is_new: bool,
    /// When the room was first created (kept across restarts).
    created_at: UnixMillis,
    /// Monotonic origin for the token buckets.
    started: Instant,
    /// Since when the room has been empty: it closes after the grace period.
    empty_since: Option<tokio::time::Instant>,
    /// Another instance holds the room now: this copy has handed its players over and ends.
    moved: bool,
    /// Counts the room against its creator's live rooms until it ends.
    _permit: Option<RoomPermit>,
}

impl Room {
    pub fn new(
        id: Arc<str>,
        settings: RoomSettings,
        kind: RoomKind,
        context: RoomContext,
        journal: Journal,
    ) -> Self {
        let (permanent, is_new, owner_id, bans, created_at, permit) = match kind {
            RoomKind::Permanent => (true, false, None, Vec::new(), now_millis(), None),
            RoomKind::Created { owner_id, permit } => (
                false,
                true,
                Some(owner_id),
                Vec::new(),
                now_millis(),
                Some(permit),
            ),
            RoomKind::Restored {
                owner_id,
                bans,
                created_at,
            } => (false, false, owner_id, bans, created_at, None),
        };
        let note_budgets = NoteBudgets::new(
            settings.note_rate,
            context.limits.config().guests_per_address,
        );
        Self {
            id,
            settings,
            permanent,
            owner_id,
            members: Vec::new(),
            chat: VecDeque::with_capacity(CHAT_HISTORY_LEN),
            bans: bans.into_iter().map(RoomBan::upgraded).collect(),
            mutes: HashMap::new(),
            note_budgets,
            context,
            journal,
            is_new,
            created_at,
            started: Instant::now(),
            empty_since: (!permanent).then(tokio::time::Instant::now),
            moved: false,
            _permit: permit,
        }
    }

    /// Handles commands until the room is empty past its grace period, the server stops, or
    /// (for the Lobby) every handle is gone.
    pub async fn run(mut self, mut inbox: mpsc::Receiver<RoomCommand>) {
        if !self.open().await {
            self.context.closed(&self.id, &self.settings.name);
            return;
        }
        let shutdown = self.context.shutdown.clone();
        loop {
            let grace_over = async {
                match self.empty_since {
                    Some(since) => {
                        tokio::time::sleep_until(since + self.context.config.empty_room_grace).await
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                command = inbox.recv() => match command {
                    Some(command) => {
                        self.handle(command);
                        if self.moved {
                            return;
                        }
                    }
                    None => return,
                },
                () = grace_over => {
                    self.journal.delete_room();
                    self.context.closed(&self.id, &self.settings.name);
                    tracing::debug!(room = %self.id, "empty room closed");
                    return;
                }
                // Its journal writes what is left once the room is gone.
                () = shutdown.cancelled() => return,
            }
        }
    }

    /// Carries out one command. Errors go back to the connection that sent it.
    pub fn handle(&mut self, command: RoomCommand) {
        let (origin, result) = match command {
            RoomCommand::Join {
                origin,
                participant,
                proof,
                blocked,
                check_only: false,
                reply,
            } => {
                let _ = reply.send(self.join(&origin, participant, proof, blocked));
                return;
            }
            RoomCommand::Join {
                origin,
                participant,
                proof,
                check_only: true,
                reply,
                ..
            } => {
                let _ = reply.send(self.admits(&origin, &participant.id, proof.as_deref()));
                return;
            }
            RoomCommand::Blocks { origin, blocked } => {
                self.set_blocks(&origin, blocked);
                return;
            }
            RoomCommand::Leave { origin } => {
                self.leave(&origin);
                return;
            }
            RoomCommand::UpdateProfile { participant } => {
                self.update_profile(participant);
                return;
            }
            RoomCommand::InstanceGone { instance } => {
                self.instance_gone(&instance);
                return;
            }
            RoomCommand::Moved => {
                self.hand_over();
                return;
            }
            RoomCommand::ChatStored { message } => {
                self.show_chat(message);
                return;
            }
            RoomCommand::ChatNotStored { message } => {
                self.chat_not_stored(&message);
                return;
            }
            RoomCommand::Notes { origin, batch } => {
                let result = self.relay_notes(&origin, batch);
                (origin, result)
            }
            RoomCommand::Chat {
                origin,
                text,
                taken,
            } => {
                let result = self.chat(&origin, &text);
                if let (Ok(()), Some(taken)) = (&result, taken) {
                    let _ = taken.send(());
                }
                (origin, result)
            }
            RoomCommand::UpdateSettings {
                origin,
                update,
                password,
            } => {
                let result = self.update_settings(&origin, &update, password);
                (origin, result)
            }
            RoomCommand::Kick { origin, target } => {
                let result = self.remove_player(&origin, &target, None);
                (origin, result)
            }
            RoomCommand::Ban {
                origin,
                target,
                duration,
            } => {
                let result = self.remove_player(&origin, &target, Some(duration));
                (origin, result)
            }
            RoomCommand::GiveCrown { origin, target } => {
                let result = self.give_crown(&origin, &target);
                (origin, result)
            }
            RoomCommand::Mute {
                origin,
                target,
                duration,
            } => {
                let result = self.mute(&origin, &target, duration);
                (origin, result)
            }
            RoomCommand::DeleteChat { origin, message_id } => {
                let result = self.delete_chat(&origin, &message_id);
                (origin, result)
            }
            RoomCommand::TransferOwnership { from, to } => {
                self.transfer_ownership(&from, to);
                return;
            }
        };
        if let Err(error) = result {
            origin.outbox.push(error.frame());
        }
    }

    fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    fn member_index(&self, participant_id: &str) -> Option<usize> {
        self.members
            .iter()
            .position(|member| member.participant.id == participant_id)
    }

    /// The sender's index, if this connection of theirs is in the room.
    fn sender_index(&self, origin: &Origin) -> Result<usize, RoomError> {
        self.member_index(origin.participant_id())
            .filter(|&index| {
                self.members[index]
                    .connections
                    .iter()
                    .any(|(connection, _)| *connection == origin.connection)
            })
            .ok_or(RoomError::NotInRoom)
    }

    fn is_owner(&self, participant_id: &str) -> bool {
        self.owner_id.as_deref() == Some(participant_id)
    }

    fn broadcast(&self, frame: &Bytes) {
        for member in &self.members {
            member.push(frame);
        }
    }

    /// Sends what a player said or played to everyone who does not block them; `echo`: to
    /// the sender too.
    fn send_from(&self, sender_id: &str, frame: &Bytes, echo: bool) {
        for member in &self.members {
            let sender = member.participant.id == sender_id;
            if (echo || !sender) && (sender || !member.blocked.contains(sender_id)) {
                member.push(frame);
            }
        }
    }

    fn info(&self) -> RoomInfo {
        RoomInfo {
            id: self.id.to_string(),
            name: self.settings.name.clone(),
            private: self.settings.private,
            has_password: self.settings.password.is_some(),
            max_players: self.settings.max_players,
            who_can_play: self.settings.who_can_play as i32,
            chat_enabled: self.settings.chat_enabled,
            welcome_message: self.settings.welcome_message.clone(),
            note_rate: self.settings.note_rate,
            owner_id: self.owner_id.clone().unwrap_or_default(),
            permanent: self.permanent,
        }
    }

    /// Tells the directory what the lobby should show of this room.
    pub(in crate::rooms) fn publish(&self) {
        let owner = self.owner_id.as_deref().and_then(|owner| {
            self.member_index(owner)
                .map(|index| self.members[index].participant.name.clone())
        });
        let summary = RoomSummary {
            id: self.id.to_string(),
            name: self.settings.name.clone(),
            player_count: self.members.len() as u32,
            max_players: self.settings.max_players,
            has_password: self.settings.password.is_some(),
            owner,
            created_at: self.created_at,
            players: self
                .members
                .iter()
                .take(LISTED_PLAYERS)
                .map(|member| RoomPlayer {
                    name: member.participant.name.clone(),
                    color: member.participant.color.clone(),
                })
                .collect(),
        };
        self.context
            .directory
            .publish(&self.id, summary, self.settings.private);
    }

    fn announce_room(&self) {
        self.broadcast(&frames::encode(Kind::RoomUpdated(RoomUpdated {
            room: Some(self.info()),
        })));
        self.publish();
    }
}

#[cfg(test)]
mod tests;

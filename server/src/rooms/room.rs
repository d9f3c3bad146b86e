//! One room's state and the task that owns it.

use std::{
    collections::{HashMap, VecDeque},
    sync::Arc,
    time::{Duration, Instant},
};

use bytes::Bytes;
use pianorhythm_core::{
    domain::{
        audit::{AuditAction, AuditEntry},
        room::{RoomBan, StoredRoom},
        UnixMillis,
    },
    protocol::{
        server_message::Kind, ChatMessage, LeaveReason, NoteBatch, NoteEventKind, NoteQuota,
        Participant, ParticipantJoined, ParticipantLeft, ParticipantUpdated, PlayPermission,
        RelayedNotes, RoomInfo, RoomJoined, RoomLeft, RoomSettingsUpdate, RoomUpdated,
    },
    rate_limit::TokenBucket,
    rooms::{RoomSummary, CHAT_HISTORY_LEN, NOTE_BURST_SECONDS},
    validation,
};
use tokio::sync::mpsc;

use super::{journal::Journal, Origin, Registry, RoomCommand, RoomError, RoomSettings};
use crate::{clock, frames, store::now_millis, ws::Outbox};

/// Most events one note batch may carry.
pub const MAX_EVENTS_PER_BATCH: usize = 512;
/// Latest offset inside a batch, in ms: batches hold a few ms of notes, not a song.
pub const MAX_BATCH_SPAN_MS: u32 = 5_000;
/// Chat: a burst of this many messages, then one per CHAT_INTERVAL_SECONDS.
const CHAT_BURST: f64 = 5.0;
const CHAT_INTERVAL_SECONDS: f64 = 1.0;

pub enum RoomKind {
    /// The Lobby: never removed, no owner, settings fixed, not stored (its chat is).
    Permanent,
    /// A room a player just created: stored before it admits anyone.
    Created { owner_id: String },
    /// A stored room brought back after a restart, empty until its players return.
    Restored {
        owner_id: Option<String>,
        bans: Vec<RoomBan>,
        created_at: UnixMillis,
    },
}

struct Member {
    participant: Participant,
    /// The player's open connections here: one per tab.
    connections: Vec<(u64, Outbox)>,
    note_quota: TokenBucket,
    chat_limit: TokenBucket,
}

impl Member {
    fn push(&self, frame: &Bytes) {
        for (_, outbox) in &self.connections {
            outbox.push(frame.clone());
        }
    }
}

pub struct Room {
    id: Arc<str>,
    settings: RoomSettings,
    permanent: bool,
    owner_id: Option<String>,
    /// In order of arrival: when the owner leaves, the crown goes to the first.
    members: Vec<Member>,
    chat: VecDeque<ChatMessage>,
    /// Participant id to the server time (ms) their ban ends.
    bans: HashMap<String, f64>,
    registry: Arc<Registry>,
    /// Where the room's chat, state and audit entries are written, off the actor.
    journal: Journal,
    /// Whether the room's record must be stored before it serves anyone.
    is_new: bool,
    created_at: UnixMillis,
    /// Monotonic origin for the token buckets.
    started: Instant,
    empty_since: Option<tokio::time::Instant>,
}

impl Room {
    pub fn new(
        id: Arc<str>,
        settings: RoomSettings,
        kind: RoomKind,
        registry: Arc<Registry>,
        journal: Journal,
    ) -> Self {
        let (permanent, is_new, owner_id, bans, created_at) = match kind {
            RoomKind::Permanent => (true, false, None, Vec::new(), now_millis()),
            RoomKind::Created { owner_id } => {
                (false, true, Some(owner_id), Vec::new(), now_millis())
            }
            RoomKind::Restored {
                owner_id,
                bans,
                created_at,
            } => (false, false, owner_id, bans, created_at),
        };
        Self {
            id,
            settings,
            permanent,
            owner_id,
            members: Vec::new(),
            chat: VecDeque::with_capacity(CHAT_HISTORY_LEN),
            bans: bans
                .into_iter()
                .map(|ban| (ban.participant_id, ban.until_ms))
                .collect(),
            registry,
            journal,
            is_new,
            created_at,
            started: Instant::now(),
            empty_since: (!permanent).then(tokio::time::Instant::now),
        }
    }

    /// Handles commands until the room is empty past its grace period (or, for the Lobby, until
    /// every handle is gone).
    pub async fn run(mut self, mut inbox: mpsc::Receiver<RoomCommand>) {
        if !self.open().await {
            self.registry.remove(&self.id, &self.settings.name);
            return;
        }
        self.publish();
        loop {
            let grace_over = async {
                match self.empty_since {
                    Some(since) => {
                        tokio::time::sleep_until(since + self.registry.config.empty_room_grace)
                            .await
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                command = inbox.recv() => match command {
                    Some(command) => self.handle(command),
                    None => return,
                },
                () = grace_over => {
                    self.journal.delete_room();
                    self.registry.remove(&self.id, &self.settings.name);
                    tracing::debug!(room = %self.id, "empty room closed");
                    return;
                }
            }
        }
    }

    /// Before serving anyone: stores a new room (so creating it is durable before the creator
    /// is told they joined) and loads the recent chat. `false` if the room cannot be stored.
    async fn open(&mut self) -> bool {
        let store = self.registry.store.clone();
        if self.is_new {
            if let Err(error) = store.rooms.save(&self.record()).await {
                tracing::error!(room = %self.id, %error, "cannot store a new room; closing it");
                return false;
            }
            let name = self.settings.name.clone();
            self.audit(AuditAction::RoomCreated, self.owner_id.clone(), None, name);
        }
        match store.chat.recent(&self.id, CHAT_HISTORY_LEN as u32).await {
            Ok(recent) => self.chat = recent.into(),
            Err(error) => tracing::warn!(room = %self.id, %error, "cannot load the recent chat"),
        }
        true
    }

    /// The room as stored: settings, owner and the bans still in force.
    fn record(&self) -> StoredRoom {
        let now = clock::now_ms();
        StoredRoom {
            id: self.id.to_string(),
            settings: self.settings.clone(),
            owner_id: self.owner_id.clone(),
            bans: self
                .bans
                .iter()
                .filter(|(_, until)| **until > now)
                .map(|(participant_id, until)| RoomBan {
                    participant_id: participant_id.clone(),
                    until_ms: *until,
                })
                .collect(),
            created_at: self.created_at,
            updated_at: now_millis(),
        }
    }

    /// Stores the room's state after a change (written behind, in order).
    fn persist(&self) {
        if !self.permanent {
            self.journal.save_room(self.record());
        }
    }

    fn audit(
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
        });
    }

    fn handle(&mut self, command: RoomCommand) {
        let (origin, result) = match command {
            RoomCommand::Join {
                origin,
                participant,
                password,
                reply,
            } => {
                let _ = reply.send(self.join(&origin, participant, password));
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
            RoomCommand::Chat { origin, text } => {
                let result = self.chat(&origin, &text);
                (origin, result)
            }
            RoomCommand::UpdateSettings { origin, update } => {
                let result = self.update_settings(&origin, &update);
                (origin, result)
            }
            RoomCommand::Kick { origin, target } => {
                let result = self.remove_by_owner(&origin, &target, None);
                (origin, result)
            }
            RoomCommand::Ban {
                origin,
                target,
                duration,
            } => {
                let result = self.remove_by_owner(&origin, &target, Some(duration));
                (origin, result)
            }
            RoomCommand::GiveCrown { origin, target } => {
                let result = self.give_crown(&origin, &target);
                (origin, result)
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
        self.member_index(&origin.participant_id)
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

    fn require_owner(&self, origin: &Origin) -> Result<usize, RoomError> {
        let index = self.sender_index(origin)?;
        if self.permanent {
            return Err(RoomError::NotAllowed("the Lobby cannot be changed"));
        }
        if !self.is_owner(&origin.participant_id) {
            return Err(RoomError::NotAllowed("only the room owner can do that"));
        }
        Ok(index)
    }

    fn broadcast(&self, frame: &Bytes) {
        for member in &self.members {
            member.push(frame);
        }
    }

    fn broadcast_except(&self, except: usize, frame: &Bytes) {
        for (index, member) in self.members.iter().enumerate() {
            if index != except {
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

    fn note_quota(&self, dropped: u32) -> Bytes {
        frames::encode(Kind::NoteQuota(NoteQuota {
            rate: self.settings.note_rate,
            burst: self.settings.note_rate * NOTE_BURST_SECONDS,
            dropped,
        }))
    }

    fn new_note_quota(&self) -> TokenBucket {
        let rate = f64::from(self.settings.note_rate);
        TokenBucket::new(rate, rate * f64::from(NOTE_BURST_SECONDS), self.seconds())
    }

    /// Tells the registry what the lobby should show of this room.
    fn publish(&self) {
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
        };
        self.registry
            .publish(&self.id, summary, self.settings.private);
    }

    fn announce_room(&self) {
        self.broadcast(&frames::encode(Kind::RoomUpdated(RoomUpdated {
            room: Some(self.info()),
        })));
        self.publish();
    }

    fn join(
        &mut self,
        origin: &Origin,
        participant: Participant,
        password: Option<String>,
    ) -> Result<(), RoomError> {
        let now = clock::now_ms();
        if let Some(&until) = self.bans.get(&participant.id) {
            if until > now {
                let seconds_left = ((until - now) / 1000.0).ceil() as u64;
                return Err(RoomError::Banned { seconds_left });
            }
            self.bans.remove(&participant.id);
        }
        match self.member_index(&participant.id) {
            // The same player in another tab: one participant, one more connection.
            Some(index) => {
                let connections = &mut self.members[index].connections;
                if !connections.iter().any(|(id, _)| *id == origin.connection) {
                    connections.push((origin.connection, origin.outbox.clone()));
                }
            }
            None => {
                if self.members.len() >= self.settings.max_players as usize {
                    return Err(RoomError::RoomFull);
                }
                let is_owner = self.is_owner(&participant.id);
                if let Some(expected) = &self.settings.password {
                    if !is_owner && password.as_deref() != Some(expected.as_str()) {
                        return Err(RoomError::WrongPassword);
                    }
                }
                let joined = frames::encode(Kind::ParticipantJoined(ParticipantJoined {
                    participant: Some(participant.clone()),
                }));
                self.broadcast(&joined);
                self.members.push(Member {
                    participant,
                    connections: vec![(origin.connection, origin.outbox.clone())],
                    note_quota: self.new_note_quota(),
                    chat_limit: TokenBucket::new(
                        1.0 / CHAT_INTERVAL_SECONDS,
                        CHAT_BURST,
                        self.seconds(),
                    ),
                });
                self.empty_since = None;
                self.publish();
            }
        }
        let snapshot = RoomJoined {
            room: Some(self.info()),
            participants: self.members.iter().map(|m| m.participant.clone()).collect(),
            recent_chat: self.chat.iter().cloned().collect(),
        };
        origin
            .outbox
            .push(frames::encode(Kind::RoomJoined(snapshot)));
        origin.outbox.push(self.note_quota(0));
        Ok(())
    }

    fn leave(&mut self, origin: &Origin) {
        let Ok(index) = self.sender_index(origin) else {
            return;
        };
        let member = &mut self.members[index];
        member
            .connections
            .retain(|(id, _)| *id != origin.connection);
        origin.outbox.push(self.left_frame(LeaveReason::Left, 0.0));
        if self.members[index].connections.is_empty() {
            self.remove_member(index);
        }
    }

    fn left_frame(&self, reason: LeaveReason, banned_until: f64) -> Bytes {
        frames::encode(Kind::RoomLeft(RoomLeft {
            room_id: self.id.to_string(),
            reason: reason as i32,
            banned_until,
        }))
    }

    /// Takes a player out, tells the others, and passes the crown on if they held it.
    fn remove_member(&mut self, index: usize) -> Member {
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
        self.publish();
        member
    }

    fn relay_notes(&mut self, origin: &Origin, mut batch: NoteBatch) -> Result<(), RoomError> {
        let index = self.sender_index(origin)?;
        if self.settings.who_can_play == PlayPermission::OwnerOnly
            && !self.is_owner(&origin.participant_id)
        {
            return Err(RoomError::NotAllowed("only the room owner may play here"));
        }
        validate_batch(&batch)?;

        let note_ons = batch
            .events
            .iter()
            .filter(|event| event.kind() == NoteEventKind::NoteOn)
            .count() as u32;
        let now = self.seconds();
        let granted = self.members[index].note_quota.take_up_to(note_ons, now);
        if granted < note_ons {
            // Keep the first `granted` note-ons; offs and pedal changes always pass.
            let mut allowed = granted;
            batch.events.retain(|event| {
                if event.kind() != NoteEventKind::NoteOn {
                    return true;
                }
                let keep = allowed > 0;
                allowed = allowed.saturating_sub(1);
                keep
            });
            origin.outbox.push(self.note_quota(note_ons - granted));
        }
        if batch.events.is_empty() {
            return Ok(());
        }
        let frame = frames::encode(Kind::Notes(RelayedNotes {
            sender_id: origin.participant_id.clone(),
            batch: Some(batch),
        }));
        self.broadcast_except(index, &frame);
        Ok(())
    }

    fn chat(&mut self, origin: &Origin, text: &str) -> Result<(), RoomError> {
        let index = self.sender_index(origin)?;
        if !self.settings.chat_enabled && !self.is_owner(&origin.participant_id) {
            return Err(RoomError::NotAllowed("chat is turned off in this room"));
        }
        let text = validation::chat_text(text)?;
        let now = self.seconds();
        if !self.members[index].chat_limit.try_take(now) {
            return Err(RoomError::RateLimited("you are sending messages too fast"));
        }
        let message = ChatMessage {
            id: format!("{:016x}", rand::random::<u64>()),
            sender: Some(self.members[index].participant.clone()),
            text,
            time: clock::now_ms(),
        };
        // Shown once stored (see `journal`): the sender's echo means it is on disk.
        self.journal.chat(message);
        Ok(())
    }

    fn show_chat(&mut self, message: ChatMessage) {
        if self.chat.len() == CHAT_HISTORY_LEN {
            self.chat.pop_front();
        }
        self.chat.push_back(message.clone());
        self.broadcast(&frames::encode(Kind::Chat(message)));
    }

    /// Tells the sender (if still here) that their message was lost.
    fn chat_not_stored(&self, message: &ChatMessage) {
        let sender = message.sender.as_ref().map(|sender| sender.id.as_str());
        if let Some(index) = sender.and_then(|id| self.member_index(id)) {
            let error =
                RoomError::Unavailable("your message could not be saved; please send it again");
            self.members[index].push(&error.frame());
        }
    }

    fn update_settings(
        &mut self,
        origin: &Origin,
        update: &RoomSettingsUpdate,
    ) -> Result<(), RoomError> {
        self.require_owner(origin)?;
        let mut next = self.settings.clone();
        next.apply(update)?;
        self.registry
            .rename(&self.id, &self.settings.name, &next.name)?;
        let rate_changed = next.note_rate != self.settings.note_rate;
        self.settings = next;
        self.persist();
        if rate_changed {
            // New rules, fresh allowance: a raised quota takes effect at once.
            for index in 0..self.members.len() {
                self.members[index].note_quota = self.new_note_quota();
            }
            self.broadcast(&self.note_quota(0));
        }
        self.announce_room();
        Ok(())
    }

    /// Kick (no duration) or ban (for `ban`) a player, by the owner.
    fn remove_by_owner(
        &mut self,
        origin: &Origin,
        target: &str,
        ban: Option<Duration>,
    ) -> Result<(), RoomError> {
        self.require_owner(origin)?;
        if target == origin.participant_id {
            return Err(RoomError::NotAllowed("you cannot remove yourself"));
        }
        let index = self.member_index(target).ok_or(RoomError::PlayerNotFound)?;
        let removed = self.remove_member(index);
        let frame = match ban {
            Some(duration) => {
                let duration = if duration.is_zero() {
                    self.registry.config.default_ban
                } else {
                    duration
                };
                let until = clock::now_ms() + duration.as_secs_f64() * 1000.0;
                self.bans.insert(removed.participant.id.clone(), until);
                self.persist();
                let details = format!("for {} s", duration.as_secs());
                let target = Some(removed.participant.id.clone());
                let actor = Some(origin.participant_id.clone());
                self.audit(AuditAction::PlayerBanned, actor, target, details);
                self.left_frame(LeaveReason::BannedFromRoom, until)
            }
            None => {
                let target = Some(removed.participant.id.clone());
                let actor = Some(origin.participant_id.clone());
                self.audit(AuditAction::PlayerKicked, actor, target, String::new());
                self.left_frame(LeaveReason::Kicked, 0.0)
            }
        };
        removed.push(&frame);
        Ok(())
    }

    fn give_crown(&mut self, origin: &Origin, target: &str) -> Result<(), RoomError> {
        self.require_owner(origin)?;
        let index = self.member_index(target).ok_or(RoomError::PlayerNotFound)?;
        let heir = self.members[index].participant.id.clone();
        self.owner_id = Some(heir.clone());
        self.announce_room();
        self.persist();
        let actor = Some(origin.participant_id.clone());
        self.audit(AuditAction::CrownChanged, actor, Some(heir), "given".into());
        Ok(())
    }

    fn update_profile(&mut self, participant: Participant) {
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

/// Refuses batches no real instrument produces: out-of-range keys or values, too many events,
/// offsets far beyond "a few ms", or a time that is not a number.
fn validate_batch(batch: &NoteBatch) -> Result<(), RoomError> {
    let invalid = |why: &str| Err(RoomError::Invalid(format!("invalid note batch: {why}")));
    if !batch.time.is_finite() || batch.time < 0.0 {
        return invalid("time is not a valid timestamp");
    }
    if batch.events.len() > MAX_EVENTS_PER_BATCH {
        return invalid("too many events");
    }
    for event in &batch.events {
        if NoteEventKind::try_from(event.kind).is_err() {
            return invalid("unknown event kind");
        }
        if event.key > 127 || event.value > 127 {
            return invalid("key or value out of the MIDI range 0-127");
        }
        if event.kind() == NoteEventKind::NoteOn && event.value == 0 {
            return invalid("a note-on needs a velocity of at least 1");
        }
        if event.offset_ms > MAX_BATCH_SPAN_MS {
            return invalid("event offset too far into the batch");
        }
    }
    Ok(())
}

//! Relaying note batches, within each player's note budget.
//!
//! A player has two allowances in a room, both token buckets at the room's note rate: note-ons
//! (the quota players see, as in Multiplayer Piano) and events of every kind (note-offs and
//! pedal changes cost too, at [`EVENTS_PER_NOTE`] per note of quota, which an honest player
//! never reaches). Guests also share an allowance per address, worth `guests_per_address`
//! players, so a new cookie does not bring a new budget. Budgets stay with the room when a
//! player leaves, until they have refilled: leaving and coming back changes nothing.

use std::{collections::HashMap, net::IpAddr, sync::Arc};

use bytes::Bytes;
use pianorhythm_core::{
    notes::{MAX_BATCH_SPAN_MS, MAX_EVENTS_PER_BATCH},
    protocol::{
        server_message::Kind, NoteBatch, NoteEventKind, NoteQuota, PlayPermission, RelayedNotes,
    },
    rate_limit::TokenBucket,
    rooms::NOTE_BURST_SECONDS,
    validation::MAX_BANK,
};

use super::Room;
use crate::{
    clock, frames,
    limits::Player,
    metrics,
    rooms::{Origin, RoomError},
};

/// A batch stamped further than this from server time (ms) is stamped "now" instead: a
/// client's clock may be off, but no listener should schedule a note for tomorrow.
pub const MAX_CLOCK_SKEW_MS: f64 = 5_000.0;
/// Events (ons, offs, pedal) a player may send per note-on of quota.
pub const EVENTS_PER_NOTE: f64 = 8.0;

/// One player's (or address's) allowance in this room.
struct Budget {
    /// Note-ons: the quota players see.
    note_ons: TokenBucket,
    /// Events of every kind.
    events: TokenBucket,
}

impl Budget {
    fn new(note_rate: f64, share: f64, now: f64) -> Self {
        let burst = f64::from(NOTE_BURST_SECONDS);
        let rate = note_rate * share;
        Self {
            note_ons: TokenBucket::new(rate, rate * burst, now),
            events: TokenBucket::new(rate * EVENTS_PER_NOTE, rate * EVENTS_PER_NOTE * burst, now),
        }
    }

    fn is_refilled(&mut self, now: f64) -> bool {
        self.note_ons.is_full(now) && self.events.is_full(now)
    }
}

/// What a batch may carry.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Grant {
    /// These many of its note-ons (the first ones); every other event passes.
    NoteOns(u32),
    /// Nothing: the batch is over the player's event budget.
    Nothing,
}

pub(super) struct NoteBudgets {
    /// The room's note quota, note-ons per second per player.
    note_rate: f64,
    /// How many players' worth an address gets.
    address_share: f64,
    /// Per player (participant id).
    players: HashMap<Arc<str>, Budget>,
    /// Per address, shared by the guests behind it.
    addresses: HashMap<IpAddr, Budget>,
}

impl NoteBudgets {
    pub(super) fn new(note_rate: u32, address_share: f64) -> Self {
        Self {
            note_rate: f64::from(note_rate),
            address_share,
            players: HashMap::new(),
            addresses: HashMap::new(),
        }
    }

    /// New rules, fresh allowances: a raised quota takes effect at once.
    pub(super) fn set_rate(&mut self, note_rate: u32) {
        self.note_rate = f64::from(note_rate);
        self.players.clear();
        self.addresses.clear();
    }

    /// Charges a batch of `events` events, `note_ons` of them note-ons, to `player`.
    pub(super) fn grant(&mut self, player: &Player, note_ons: u32, events: u32, now: f64) -> Grant {
        let (rate, share) = (self.note_rate, self.address_share);
        let mine = self
            .players
            .entry(player.id.clone())
            .or_insert_with(|| Budget::new(rate, 1.0, now));
        let address = self
            .addresses
            .entry(player.address)
            .or_insert_with(|| Budget::new(rate, share, now));
        if mine.events.available(now) < events || address.events.available(now) < events {
            return Grant::Nothing;
        }
        mine.events.take_up_to(events, now);
        address.events.take_up_to(events, now);
        let granted = note_ons
            .min(mine.note_ons.available(now))
            .min(address.note_ons.available(now));
        mine.note_ons.take_up_to(granted, now);
        address.note_ons.take_up_to(granted, now);
        Grant::NoteOns(granted)
    }

    /// Drops the budgets that are full again: a fresh one is the same, and the map stays
    /// as small as the set of players who played recently.
    pub(super) fn forget_refilled(&mut self, now: f64) {
        self.players.retain(|_, budget| !budget.is_refilled(now));
        self.addresses.retain(|_, budget| !budget.is_refilled(now));
    }
}

/// The stamp a batch is relayed with: its own, unless it is too far from server time.
pub(super) fn stamp(batch_time: f64, now_ms: f64) -> f64 {
    if (batch_time - now_ms).abs() > MAX_CLOCK_SKEW_MS {
        now_ms
    } else {
        batch_time
    }
}

impl Room {
    pub(super) fn note_quota_frame(&self, dropped: u32) -> Bytes {
        frames::encode(Kind::NoteQuota(NoteQuota {
            rate: self.settings.note_rate,
            burst: self.settings.note_rate * NOTE_BURST_SECONDS,
            dropped,
        }))
    }

    pub(super) fn relay_notes(
        &mut self,
        origin: &Origin,
        mut batch: NoteBatch,
    ) -> Result<(), RoomError> {
        self.sender_index(origin)?;
        if self.settings.who_can_play == PlayPermission::OwnerOnly
            && !self.is_owner(origin.participant_id())
        {
            return Err(RoomError::NotAllowed("only the room owner may play here"));
        }
        validate_batch(&batch)?;
        if batch.events.is_empty() {
            return Ok(());
        }
        batch.time = stamp(batch.time, clock::now_ms());

        let note_ons = batch
            .events
            .iter()
            .filter(|event| event.kind() == NoteEventKind::NoteOn)
            .count() as u32;
        let events = batch.events.len() as u32;
        let now = self.seconds();
        let relayed = match self
            .note_budgets
            .grant(&origin.player, note_ons, events, now)
        {
            Grant::Nothing => {
                metrics::instruments()
                    .notes_dropped_by_quota
                    .increment(u64::from(note_ons));
                origin.outbox.push(self.note_quota_frame(note_ons));
                return Ok(());
            }
            Grant::NoteOns(granted) if granted < note_ons => {
                metrics::instruments()
                    .notes_dropped_by_quota
                    .increment(u64::from(note_ons - granted));
                keep_first_note_ons(&mut batch, granted);
                origin
                    .outbox
                    .push(self.note_quota_frame(note_ons - granted));
                granted
            }
            Grant::NoteOns(_) => note_ons,
        };
        if batch.events.is_empty() {
            return Ok(());
        }
        metrics::instruments()
            .notes_relayed
            .increment(u64::from(relayed));
        let frame = frames::encode(Kind::Notes(RelayedNotes {
            sender_id: origin.participant_id().to_owned(),
            batch: Some(batch),
        }));
        self.send_from(origin.participant_id(), &frame, false);
        Ok(())
    }
}

/// Keeps the first `allowed` note-ons; offs and pedal changes stay, so nothing hangs.
fn keep_first_note_ons(batch: &mut NoteBatch, mut allowed: u32) {
    batch.events.retain(|event| {
        if event.kind() != NoteEventKind::NoteOn {
            return true;
        }
        let keep = allowed > 0;
        allowed = allowed.saturating_sub(1);
        keep
    });
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
        // Banks go up to 128 (percussion); everything else is a 7-bit MIDI value.
        let highest_value = match event.kind() {
            NoteEventKind::ProgramChange => MAX_BANK,
            _ => 127,
        };
        if event.key > 127 || event.value > highest_value {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn player(id: &str, address: &str) -> Player {
        Player::new(id, address.parse().unwrap())
    }

    #[test]
    fn stamps_far_from_server_time_become_now() {
        let now = 1_000_000.0;
        assert_eq!(stamp(now + 20.0, now), now + 20.0);
        assert_eq!(stamp(now - 4_000.0, now), now - 4_000.0);
        assert_eq!(stamp(now + 86_400_000.0, now), now);
        assert_eq!(stamp(now - 60_000.0, now), now);
    }

    #[test]
    fn note_ons_beyond_the_quota_are_cut_and_the_budget_is_per_player() {
        let mut budgets = NoteBudgets::new(10, 4.0);
        let alice = player("alice", "10.0.0.1");
        // Burst: 3 s of 10 notes.
        assert_eq!(budgets.grant(&alice, 25, 25, 0.0), Grant::NoteOns(25));
        assert_eq!(budgets.grant(&alice, 10, 10, 0.0), Grant::NoteOns(5));
        assert_eq!(budgets.grant(&alice, 10, 10, 0.5), Grant::NoteOns(5));
        let bob = player("bob", "10.0.0.2");
        assert_eq!(budgets.grant(&bob, 10, 10, 0.5), Grant::NoteOns(10));
    }

    #[test]
    fn every_event_kind_costs() {
        let mut budgets = NoteBudgets::new(10, 4.0);
        let alice = player("alice", "10.0.0.1");
        // 10 notes/s × 8 events × 3 s = 240 events of burst, note-offs included.
        assert_eq!(budgets.grant(&alice, 0, 240, 0.0), Grant::NoteOns(0));
        assert_eq!(budgets.grant(&alice, 0, 1, 0.0), Grant::Nothing);
        assert_eq!(budgets.grant(&alice, 0, 80, 1.0), Grant::NoteOns(0));
    }

    #[test]
    fn new_identities_on_one_address_share_its_allowance() {
        let mut budgets = NoteBudgets::new(10, 2.0);
        let granted: u32 = (0..10)
            .map(
                |n| match budgets.grant(&player(&format!("g{n}"), "10.0.0.1"), 30, 30, 0.0) {
                    Grant::NoteOns(granted) => granted,
                    Grant::Nothing => 0,
                },
            )
            .sum();
        assert_eq!(granted, 60, "two players' worth of a 30-note burst");
    }

    #[test]
    fn budgets_are_kept_until_refilled() {
        let mut budgets = NoteBudgets::new(10, 4.0);
        let alice = player("alice", "10.0.0.1");
        budgets.grant(&alice, 30, 30, 0.0);
        budgets.forget_refilled(1.0);
        assert_eq!(budgets.grant(&alice, 30, 30, 1.0), Grant::NoteOns(10));
        budgets.forget_refilled(100.0);
        assert!(budgets.players.is_empty() && budgets.addresses.is_empty());
    }
}

//! Who goes where: splitting players and senders evenly across rooms, and the send schedule
//! that spreads every sender's notes evenly in time so the load is smooth, never bursty.

use std::time::Duration;

/// The permanent room every server has; used when only one room is asked for.
use pianorhythm_core::rooms::LOBBY_ROOM_NAME as LOBBY;

/// One bot's place in the test.
#[derive(Clone, Debug)]
pub struct BotPlan {
    /// Index over all bots, for logs.
    pub index: u32,
    pub room: usize,
    /// The first bot of a `load-N` room creates it; everyone else joins.
    pub creates_room: bool,
    /// Position among all senders (sets its phase in the schedule), or `None` for listeners.
    pub sender_slot: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct RoomPlan {
    pub name: String,
    /// Bots in the room; each note a sender plays should reach `members - 1` of them.
    pub members: u32,
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub rooms: Vec<RoomPlan>,
    pub bots: Vec<BotPlan>,
    pub total_senders: u32,
}

/// Splits `total` into `parts` sizes differing by at most one, larger ones first.
fn split_evenly(total: u32, parts: u32) -> impl Iterator<Item = u32> {
    (0..parts).map(move |i| total / parts + u32::from(i < total % parts))
}

impl Plan {
    pub fn new(players: u32, senders: u32, rooms: u32) -> Self {
        let mut plan = Plan {
            rooms: Vec::new(),
            bots: Vec::new(),
            total_senders: senders,
        };
        let mut next_slot = 0;
        for (room, (members, room_senders)) in split_evenly(players, rooms)
            .zip(split_evenly(senders, rooms))
            .enumerate()
        {
            let permanent = rooms == 1;
            plan.rooms.push(RoomPlan {
                name: if permanent {
                    LOBBY.to_owned()
                } else {
                    format!("load-{room}")
                },
                members,
            });
            for member in 0..members {
                let sender_slot = (member < room_senders).then(|| {
                    next_slot += 1;
                    next_slot - 1
                });
                plan.bots.push(BotPlan {
                    index: plan.bots.len() as u32,
                    room,
                    creates_room: !permanent && member == 0,
                    sender_slot,
                });
            }
        }
        plan
    }

    /// Listeners each note of a sender in `room` should reach.
    pub fn fanout(&self, room: usize) -> u64 {
        u64::from(self.rooms[room].members.saturating_sub(1))
    }
}

/// When a sender plays: every `period`, starting `phase` after the window opens. Phases are
/// staggered over one period across all senders, so the server sees a steady trickle.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    pub phase: Duration,
    pub period: Duration,
}

impl Schedule {
    pub fn for_slot(slot: u32, total_senders: u32, rate: f64) -> Self {
        let period = Duration::from_secs_f64(1.0 / rate);
        Schedule {
            phase: period.mul_f64(f64::from(slot) / f64::from(total_senders.max(1))),
            period,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn players_and_senders_are_split_evenly() {
        let plan = Plan::new(10, 5, 3);
        let members: Vec<u32> = plan.rooms.iter().map(|room| room.members).collect();
        assert_eq!(members, [4, 3, 3]);
        let senders_in = |room| {
            plan.bots
                .iter()
                .filter(|bot| bot.room == room && bot.sender_slot.is_some())
                .count()
        };
        assert_eq!([senders_in(0), senders_in(1), senders_in(2)], [2, 2, 1]);
        assert_eq!(plan.rooms[2].name, "load-2");
        assert_eq!(plan.bots.iter().filter(|bot| bot.creates_room).count(), 3);
    }

    #[test]
    fn one_room_is_the_lobby_and_nobody_creates_it() {
        let plan = Plan::new(4, 4, 1);
        assert_eq!(plan.rooms[0].name, LOBBY);
        assert!(plan.bots.iter().all(|bot| !bot.creates_room));
        assert_eq!(plan.fanout(0), 3);
    }
}

//! Who goes where: splitting players and senders evenly across rooms and, with several server
//! instances, across instances (the [`Shape`]); and the send schedule that spreads every
//! sender's notes evenly in time so the load is smooth, never bursty.

use std::time::Duration;

/// The permanent room every server has; used when only one room is asked for.
use pianorhythm_core::rooms::LOBBY_ROOM_NAME as LOBBY;

/// How the bots of each room are spread over the server instances. Rooms are created (or, for
/// the Lobby, held) by instance 0, so instance 0 is every room's home.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One instance and no bus: the reference.
    Single,
    /// Senders on instance 0, listeners round-robin on the others. When every player sends,
    /// there are no listeners to move: each room's players are cut into one block per instance
    /// instead (with two, half on each), so notes cross the bus both ways.
    Split,
    /// Each room's players alternate: instance 0, 1, …, 0, 1, …
    Mixed,
}

impl Shape {
    /// The name in the report.
    pub fn label(self) -> &'static str {
        match self {
            Shape::Single => "single",
            Shape::Split => "split",
            Shape::Mixed => "mixed",
        }
    }
}

/// One bot's place in the test.
#[derive(Clone, Debug)]
pub struct BotPlan {
    /// Index over all bots, for logs.
    pub index: u32,
    /// Index of its room in [`Plan::rooms`].
    pub room: usize,
    /// The instance it connects to (0-based; always 0 with one instance).
    pub instance: u32,
    /// The first bot of a `load-N` room creates it; everyone else joins.
    pub creates_room: bool,
    /// Position among all senders (sets its phase in the schedule), or `None` for listeners.
    pub sender_slot: Option<u32>,
}

/// One room of the test.
#[derive(Clone, Debug)]
pub struct RoomPlan {
    /// The `--room` name; else "Lobby" when there is one room, `load-N` otherwise.
    pub name: String,
    /// Bots in the room; each note a sender plays should reach `members - 1` of them.
    pub members: u32,
}

/// Every room and every bot of one measurement.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The rooms, in creation order.
    pub rooms: Vec<RoomPlan>,
    /// The bots, room by room.
    pub bots: Vec<BotPlan>,
    /// Senders over all rooms, for the schedule's phases.
    pub total_senders: u32,
}

/// Where bots go for one shape: the shape, the instance count, and whether everyone sends.
#[derive(Clone, Copy, Debug)]
struct Placement {
    shape: Shape,
    instances: u32,
    everyone_sends: bool,
}

impl Placement {
    /// The instance of the `member`-th of `members` players in a room whose first
    /// `room_senders` members send.
    fn instance(self, member: u32, members: u32, room_senders: u32) -> u32 {
        if self.shape == Shape::Single || self.instances <= 1 {
            return 0;
        }
        let others = self.instances - 1;
        match self.shape {
            Shape::Single => 0,
            Shape::Mixed => member % self.instances,
            Shape::Split if self.everyone_sends => member * self.instances / members.max(1),
            Shape::Split if member < room_senders => 0,
            Shape::Split => 1 + (member - room_senders) % others,
        }
    }
}

/// Splits `total` into `parts` sizes differing by at most one, larger ones first.
fn split_evenly(total: u32, parts: u32) -> impl Iterator<Item = u32> {
    (0..parts).map(move |i| total / parts + u32::from(i < total % parts))
}

impl Plan {
    /// One instance, everyone on it.
    #[cfg(test)]
    pub fn new(players: u32, senders: u32, rooms: u32) -> Self {
        Self::spread(players, senders, rooms, Shape::Single, 1)
    }

    /// This one-room plan with its room called `name`, created by the first bot.
    pub fn named(mut self, name: &str) -> Self {
        for room in &mut self.rooms {
            room.name = name.to_owned();
        }
        for bot in &mut self.bots {
            bot.creates_room = bot.index == 0;
        }
        self
    }

    /// `players` bots (the first of each room's share sending, `senders` in all) in `rooms`
    /// rooms, over `instances` instances as `shape` says.
    pub fn spread(players: u32, senders: u32, rooms: u32, shape: Shape, instances: u32) -> Self {
        let placement = Placement {
            shape,
            instances,
            everyone_sends: senders == players,
        };
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
                    instance: placement.instance(member, members, room_senders),
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

    /// Of those, the listeners on another instance than `instance`: the deliveries that cross
    /// the bus.
    pub fn crossing_fanout(&self, room: usize, instance: u32) -> u64 {
        let elsewhere = self
            .bots
            .iter()
            .filter(|bot| bot.room == room && bot.instance != instance)
            .count();
        elsewhere as u64
    }
}

/// When a sender plays: every `period`, starting `phase` after the window opens. Phases are
/// staggered over one period across all senders, so the server sees a steady trickle.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    /// Delay of the first note after the window opens.
    pub phase: Duration,
    /// Time between notes: 1 / rate.
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

    #[test]
    fn a_named_room_is_created_by_the_first_bot_and_joined_by_the_rest() {
        let plan = Plan::new(10, 10, 1).named("Dense");
        assert_eq!(plan.rooms.len(), 1);
        assert_eq!(plan.rooms[0].name, "Dense");
        let creators: Vec<u32> = plan
            .bots
            .iter()
            .filter(|bot| bot.creates_room)
            .map(|bot| bot.index)
            .collect();
        assert_eq!(creators, [0]);
        assert_eq!(plan.fanout(0), 9);
    }

    fn instances(plan: &Plan) -> Vec<u32> {
        plan.bots.iter().map(|bot| bot.instance).collect()
    }

    #[test]
    fn split_puts_senders_on_the_first_instance_and_listeners_on_the_others() {
        let plan = Plan::spread(6, 2, 1, Shape::Split, 3);
        assert_eq!(instances(&plan), [0, 0, 1, 2, 1, 2]);
        assert_eq!(plan.crossing_fanout(0, 0), 4);
    }

    #[test]
    fn split_with_everyone_sending_cuts_each_room_in_halves() {
        let plan = Plan::spread(8, 8, 2, Shape::Split, 2);
        assert_eq!(instances(&plan), [0, 0, 1, 1, 0, 0, 1, 1]);
        assert!(plan
            .bots
            .iter()
            .filter(|bot| bot.creates_room)
            .all(|bot| bot.instance == 0));
        assert_eq!(plan.crossing_fanout(0, 0), 2);
        assert_eq!(plan.crossing_fanout(1, 1), 2);
    }

    #[test]
    fn mixed_alternates_and_single_uses_one_instance() {
        assert_eq!(
            instances(&Plan::spread(5, 5, 1, Shape::Mixed, 2)),
            [0, 1, 0, 1, 0]
        );
        let single = Plan::spread(5, 5, 1, Shape::Single, 2);
        assert_eq!(instances(&single), [0; 5]);
        assert_eq!(single.crossing_fanout(0, 0), 0);
    }
}

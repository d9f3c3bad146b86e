//! Limits that belong to the player, not to a connection or a join.
//!
//! Every allowance here is kept per player (their participant id, which all their tabs and
//! reconnects share) and, because a guest is only a cookie that a script can throw away, also
//! per network address: a guest who comes back with a new cookie still draws on what their
//! address has left. An address gets [`LimitsConfig::guests_per_address`] players' worth, so a
//! household or a classroom behind one router can still play.
//!
//! Connections are counted while they are open ([`ConnectionPermit`] gives its place back when
//! dropped); join attempts, room creations and chat messages draw on token buckets that refill
//! over time. Entries nobody has used for a while are swept away, so the map stays small.
//!
//! With several instances, connections, joins, room creations and chat are also counted on
//! every instance through [`SharedLimits`] (the cluster crate keeps them in Redis); alone,
//! [`Solo`] counts nothing more.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use async_trait::async_trait;
use parking_lot::Mutex;
use pianorhythm_core::rate_limit::TokenBucket;

use crate::{shutdown::Shutdown, solo::Solo};

/// Which allowance shared across instances an action draws on.
#[derive(Clone, Copy, Debug)]
pub enum SharedBucket {
    Joins,
    RoomCreations,
    Chat,
    /// Reports about other players (a per-minute and a per-day allowance).
    Reports,
}

/// A connection's place in the count every instance shares; given back when dropped.
pub type SharedPermit = Box<dyn Send + Sync>;

/// The allowances every instance draws on, checked after the local ones (which still hold
/// when the shared ones cannot be reached).
#[async_trait]
pub trait SharedLimits: Send + Sync {
    /// Counts a connection on every instance while the permit lives.
    async fn connect(&self, player: &Player, connection: u64) -> Result<SharedPermit, LimitError>;
    /// Draws one event from a shared bucket of the player and their address.
    async fn take(&self, bucket: SharedBucket, player: &Player) -> Result<(), LimitError>;
}

#[async_trait]
impl SharedLimits for Solo {
    async fn connect(&self, _: &Player, _: u64) -> Result<SharedPermit, LimitError> {
        Ok(Box::new(()))
    }

    async fn take(&self, _: SharedBucket, _: &Player) -> Result<(), LimitError> {
        Ok(())
    }
}

/// How the limits are set; docs/operations.md lists the variables.
#[derive(Clone, Debug, PartialEq)]
pub struct LimitsConfig {
    /// `MAX_CONNECTIONS_PER_SESSION`: open WebSockets one player (all their tabs) may hold.
    pub connections_per_session: u32,
    /// `MAX_CONNECTIONS_PER_ADDRESS`: open WebSockets one network address may hold.
    pub connections_per_address: u32,
    /// `GUESTS_PER_ADDRESS`: how many players' worth of every allowance an address gets.
    pub guests_per_address: f64,
    /// `JOIN_ATTEMPTS_PER_MINUTE`: joins (right or wrong password alike) per player, sustained;
    /// the burst is a third of a minute's worth, so password guessing stays slow.
    pub joins_per_minute: f64,
    /// `ROOMS_PER_MINUTE`: rooms a player may create per minute (also the burst).
    pub rooms_per_minute: f64,
    /// `MAX_LIVE_ROOMS_PER_PLAYER`: rooms a player created that may be alive at once.
    pub live_rooms_per_player: u32,
    /// `CHAT_PER_SECOND` and `CHAT_BURST`: chat messages per player, across every room.
    pub chat_per_second: f64,
    pub chat_burst: f64,
    /// `OWNER_ACTIONS_PER_SECOND`: settings changes, kicks, bans and crowns per player, and
    /// changes of the instrument kept for their next visit (the burst is ten seconds' worth);
    /// each one is broadcast to the room and written down.
    pub owner_actions_per_second: f64,
    /// `REPORTS_PER_MINUTE` and `REPORTS_PER_DAY`: reports about other players, per player;
    /// each is also its own burst. Reports land in front of staff, so they stay scarce.
    pub reports_per_minute: f64,
    pub reports_per_day: f64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            connections_per_session: 8,
            connections_per_address: 32,
            guests_per_address: 4.0,
            joins_per_minute: 30.0,
            rooms_per_minute: 3.0,
            live_rooms_per_player: 5,
            chat_per_second: 1.0,
            chat_burst: 5.0,
            owner_actions_per_second: 2.0,
            reports_per_minute: 5.0,
            reports_per_day: 30.0,
        }
    }
}

/// Why a limit refused; the text is fit for the player.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("too many open connections; close some tabs")]
    TooManyConnections,
    #[error("too many attempts to join a room; wait a little")]
    TooManyJoins,
    #[error("too many rooms created; try again in a minute")]
    TooManyRoomsCreated,
    #[error("you already have as many rooms open as allowed; close one first")]
    TooManyLiveRooms,
    #[error("you are sending messages too fast")]
    ChatTooFast,
    #[error("too many changes at once; wait a moment")]
    TooManyOwnerActions,
    #[error("too many reports; wait a minute")]
    ReportsTooFast,
    #[error("too many reports today; try again tomorrow")]
    TooManyReportsToday,
}

/// Seconds in a day, the period of the daily report allowance.
pub const DAY_SECONDS: f64 = 24.0 * 60.0 * 60.0;

/// Who an action is charged to: the player and the address they came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Player {
    /// The participant id, shared by all the player's tabs and reconnects.
    pub id: Arc<str>,
    /// Where they connect from, as [`address_key`] counts it.
    pub address: IpAddr,
}

impl Player {
    pub fn new(id: &str, address: IpAddr) -> Self {
        Self {
            id: id.into(),
            address: address_key(address),
        }
    }
}

/// The part of an address that identifies one subscriber: IPv6 hands whole /64 networks to a
/// single household, so any address in it counts as the same one.
pub fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(prefix.into())
            }
        },
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Player(Arc<str>),
    Address(IpAddr),
}

/// What one player, or one address, has used and has left.
struct Allowance {
    /// WebSockets open now.
    connections: u32,
    /// Most WebSockets open at once (per session, or per address).
    connection_limit: u32,
    /// Rooms created that are still alive.
    live_rooms: u32,
    /// Most rooms alive at once.
    live_room_limit: u32,
    /// Join attempts.
    joins: TokenBucket,
    /// Room creations.
    creations: TokenBucket,
    /// Chat messages, in every room.
    chat: TokenBucket,
    /// Settings changes, kicks, bans and crowns.
    owner_actions: TokenBucket,
    /// Reports about other players, per minute.
    reports: TokenBucket,
    /// Reports about other players, per day.
    reports_today: TokenBucket,
    /// When it was last drawn on, to sweep the idle ones.
    last_used: f64,
}

impl Allowance {
    /// A fresh allowance for a player, or for an address (worth `guests_per_address` players).
    fn new(config: &LimitsConfig, key: &Key, now: f64) -> Self {
        let (share, connection_limit) = match key {
            Key::Player(_) => (1.0, config.connections_per_session),
            Key::Address(_) => (config.guests_per_address, config.connections_per_address),
        };
        let per_minute = |rate: f64, burst: f64| TokenBucket::new(rate / 60.0, burst, now);
        Self {
            connections: 0,
            connection_limit,
            live_rooms: 0,
            live_room_limit: (f64::from(config.live_rooms_per_player) * share).max(1.0) as u32,
            joins: per_minute(
                config.joins_per_minute * share,
                (config.joins_per_minute / 3.0).max(1.0) * share,
            ),
            creations: per_minute(
                config.rooms_per_minute * share,
                config.rooms_per_minute * share,
            ),
            chat: TokenBucket::new(
                config.chat_per_second * share,
                config.chat_burst * share,
                now,
            ),
            owner_actions: TokenBucket::new(
                config.owner_actions_per_second * share,
                config.owner_actions_per_second * 10.0 * share,
                now,
            ),
            reports: per_minute(
                config.reports_per_minute * share,
                config.reports_per_minute * share,
            ),
            reports_today: TokenBucket::new(
                config.reports_per_day * share / DAY_SECONDS,
                config.reports_per_day * share,
                now,
            ),
            last_used: now,
        }
    }

    /// Nothing open and nothing that would not be back to full by now (a day's reports take
    /// a day to come back, so an allowance that reported stays until they have).
    fn is_idle(&mut self, now: f64) -> bool {
        self.connections == 0
            && self.live_rooms == 0
            && now - self.last_used > IDLE_AFTER_SECONDS
            && self.reports_today.is_full(now)
    }
}

/// Long enough for every bucket to be full again.
const IDLE_AFTER_SECONDS: f64 = 10.0 * 60.0;
/// How often idle entries are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

pub struct PlayerLimits {
    /// The limits themselves.
    config: LimitsConfig,
    /// What every player and address has used and has left.
    allowances: Mutex<HashMap<Key, Allowance>>,
    /// Monotonic origin of the buckets' clock.
    started: Instant,
    /// The allowances every instance draws on too.
    shared: Arc<dyn SharedLimits>,
}

impl PlayerLimits {
    pub fn new(config: LimitsConfig, shared: Arc<dyn SharedLimits>) -> Arc<Self> {
        Arc::new(Self {
            config,
            allowances: Mutex::default(),
            started: Instant::now(),
            shared,
        })
    }

    /// Sweeps idle entries now and then, until `shutdown`.
    pub fn spawn_sweeper(self: &Arc<Self>, shutdown: Shutdown) {
        let limits = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(SWEEP_EVERY);
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    () = shutdown.cancelled() => return,
                }
                let Some(limits) = limits.upgrade() else {
                    return;
                };
                let now = limits.seconds();
                limits.allowances.lock().retain(|_, a| !a.is_idle(now));
            }
        });
    }

    pub fn config(&self) -> &LimitsConfig {
        &self.config
    }

    fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// Runs `check` on the player's and the address's allowances (it must not change them),
    /// and only if both pass, `commit` on both.
    fn charge(
        &self,
        player: &Player,
        check: impl Fn(&mut Allowance, f64) -> Result<(), LimitError>,
        commit: impl Fn(&mut Allowance, f64),
    ) -> Result<(), LimitError> {
        let now = self.seconds();
        let mut allowances = self.allowances.lock();
        let keys = [Key::Player(player.id.clone()), Key::Address(player.address)];
        for key in &keys {
            let allowance = allowances
                .entry(key.clone())
                .or_insert_with(|| Allowance::new(&self.config, key, now));
            check(allowance, now)?;
        }
        for key in &keys {
            if let Some(allowance) = allowances.get_mut(key) {
                allowance.last_used = now;
                commit(allowance, now);
            }
        }
        Ok(())
    }

    /// Draws one token from the same bucket of both allowances, or from neither.
    fn take(
        &self,
        player: &Player,
        bucket: fn(&mut Allowance) -> &mut TokenBucket,
        refusal: LimitError,
    ) -> Result<(), LimitError> {
        self.charge(
            player,
            |allowance, now| match bucket(allowance).available(now) {
                0 => Err(refusal),
                _ => Ok(()),
            },
            |allowance, now| {
                bucket(allowance).take_up_to(1, now);
            },
        )
    }

    /// Counts a new connection while the permit lives.
    pub fn connect(self: &Arc<Self>, player: &Player) -> Result<ConnectionPermit, LimitError> {
        self.charge(
            player,
            |allowance, _| match allowance.connections < allowance.connection_limit {
                true => Ok(()),
                false => Err(LimitError::TooManyConnections),
            },
            |allowance, _| allowance.connections += 1,
        )?;
        Ok(ConnectionPermit {
            limits: self.clone(),
            player: player.clone(),
            shared: None,
        })
    }

    /// [`PlayerLimits::connect`], counted on every instance too.
    pub async fn connect_everywhere(
        self: &Arc<Self>,
        player: &Player,
        connection: u64,
    ) -> Result<ConnectionPermit, LimitError> {
        let mut permit = self.connect(player)?;
        permit.shared = Some(self.shared.connect(player, connection).await?);
        Ok(permit)
    }

    pub fn try_join(&self, player: &Player) -> Result<(), LimitError> {
        self.take(player, |a| &mut a.joins, LimitError::TooManyJoins)
    }

    /// [`PlayerLimits::try_join`], drawn on every instance's allowance too.
    pub async fn try_join_everywhere(&self, player: &Player) -> Result<(), LimitError> {
        self.try_join(player)?;
        self.shared.take(SharedBucket::Joins, player).await
    }

    /// A chat message drawn on the allowance every instance shares (the room's home draws on
    /// its own as well).
    pub async fn try_chat_across_instances(&self, player: &Player) -> Result<(), LimitError> {
        self.shared.take(SharedBucket::Chat, player).await
    }

    /// [`PlayerLimits::create_room`], drawn on every instance's allowance too.
    pub async fn create_room_everywhere(
        self: &Arc<Self>,
        player: &Player,
    ) -> Result<RoomPermit, LimitError> {
        let permit = self.create_room(player)?;
        self.shared
            .take(SharedBucket::RoomCreations, player)
            .await?;
        Ok(permit)
    }

    pub fn try_chat(&self, player: &Player) -> Result<(), LimitError> {
        self.take(player, |a| &mut a.chat, LimitError::ChatTooFast)
    }

    pub fn try_owner_action(&self, player: &Player) -> Result<(), LimitError> {
        self.take(
            player,
            |a| &mut a.owner_actions,
            LimitError::TooManyOwnerActions,
        )
    }

    /// A report about another player, drawn on the minute's and the day's allowance of the
    /// player and their address (or on none).
    pub fn try_report(&self, player: &Player) -> Result<(), LimitError> {
        self.charge(
            player,
            |allowance, now| {
                if allowance.reports_today.available(now) == 0 {
                    Err(LimitError::TooManyReportsToday)
                } else if allowance.reports.available(now) == 0 {
                    Err(LimitError::ReportsTooFast)
                } else {
                    Ok(())
                }
            },
            |allowance, now| {
                allowance.reports.take_up_to(1, now);
                allowance.reports_today.take_up_to(1, now);
            },
        )
    }

    /// [`PlayerLimits::try_report`], drawn on every instance's allowance too.
    pub async fn try_report_everywhere(&self, player: &Player) -> Result<(), LimitError> {
        self.try_report(player)?;
        self.shared.take(SharedBucket::Reports, player).await
    }

    /// Counts a new room against the player's creation rate and live rooms; the room holds
    /// the permit for as long as it lives.
    pub fn create_room(self: &Arc<Self>, player: &Player) -> Result<RoomPermit, LimitError> {
        self.charge(
            player,
            |allowance, now| {
                if allowance.live_rooms >= allowance.live_room_limit {
                    Err(LimitError::TooManyLiveRooms)
                } else if allowance.creations.available(now) == 0 {
                    Err(LimitError::TooManyRoomsCreated)
                } else {
                    Ok(())
                }
            },
            |allowance, now| {
                allowance.creations.take_up_to(1, now);
                allowance.live_rooms += 1;
            },
        )?;
        Ok(RoomPermit {
            limits: self.clone(),
            player: player.clone(),
        })
    }

    fn release(&self, player: &Player, field: fn(&mut Allowance) -> &mut u32) {
        let now = self.seconds();
        let mut allowances = self.allowances.lock();
        for key in [Key::Player(player.id.clone()), Key::Address(player.address)] {
            if let Some(allowance) = allowances.get_mut(&key) {
                let count = field(allowance);
                *count = count.saturating_sub(1);
                allowance.last_used = now;
            }
        }
    }
}

/// One open connection, counted against its player and address until dropped.
pub struct ConnectionPermit {
    /// Where to give the place back.
    limits: Arc<PlayerLimits>,
    /// Whose place it is.
    player: Player,
    /// Its place on every instance.
    shared: Option<SharedPermit>,
}

impl Drop for ConnectionPermit {
    fn drop(&mut self) {
        self.limits.release(&self.player, |a| &mut a.connections);
    }
}

/// One live room, counted against the player who created it until the room ends.
pub struct RoomPermit {
    /// Where to give the place back.
    limits: Arc<PlayerLimits>,
    /// The creator the room counts against.
    player: Player,
}

impl std::fmt::Debug for RoomPermit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoomPermit")
            .field("player", &self.player)
            .finish()
    }
}

impl Drop for RoomPermit {
    fn drop(&mut self) {
        self.limits.release(&self.player, |a| &mut a.live_rooms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn player(id: &str, address: &str) -> Player {
        Player::new(id, address.parse().unwrap())
    }

    fn limits(adjust: impl FnOnce(&mut LimitsConfig)) -> Arc<PlayerLimits> {
        let mut config = LimitsConfig::default();
        adjust(&mut config);
        PlayerLimits::new(config, Arc::new(Solo))
    }

    #[test]
    fn connections_are_bounded_per_player_and_per_address_and_come_back() {
        let limits = limits(|c| {
            c.connections_per_session = 2;
            c.connections_per_address = 3;
        });
        let alice = player("alice", "10.0.0.1");
        let first = limits.connect(&alice).unwrap();
        let _second = limits.connect(&alice).unwrap();
        assert_eq!(
            limits.connect(&alice).err(),
            Some(LimitError::TooManyConnections)
        );
        // A new cookie (another player id) from the same address: the address limit holds.
        let _third = limits.connect(&player("bob", "10.0.0.1")).unwrap();
        assert!(limits.connect(&player("carol", "10.0.0.1")).is_err());
        assert!(limits.connect(&player("dave", "10.0.0.2")).is_ok());
        drop(first);
        assert!(limits.connect(&alice).is_ok());
    }

    #[test]
    fn reports_are_bounded_per_minute_and_per_day_per_player_and_address() {
        let limits = limits(|c| {
            c.reports_per_minute = 2.0;
            c.reports_per_day = 3.0;
            c.guests_per_address = 2.0;
        });
        let alice = player("alice", "10.0.0.1");
        assert!(limits.try_report(&alice).is_ok());
        assert!(limits.try_report(&alice).is_ok());
        assert_eq!(limits.try_report(&alice), Err(LimitError::ReportsTooFast));
        // New cookies from the same address share its allowance: 2 players' worth.
        assert!(limits.try_report(&player("bob", "10.0.0.1")).is_ok());
        assert!(limits.try_report(&player("carol", "10.0.0.1")).is_ok());
        assert!(limits.try_report(&player("dave", "10.0.0.1")).is_err());
        assert!(limits.try_report(&player("erin", "10.0.0.2")).is_ok());
        // The day's allowance runs out before the minute's comes back.
        let mut bucket = Allowance::new(limits.config(), &Key::Player("x".into()), 0.0);
        for _ in 0..3 {
            assert_eq!(bucket.reports_today.take_up_to(1, 0.0), 1);
        }
        assert_eq!(bucket.reports_today.available(120.0), 0);
        assert!(!bucket.is_idle(IDLE_AFTER_SECONDS + 1.0));
        assert!(bucket.reports_today.available(DAY_SECONDS / 3.0 + 1.0) >= 1);
    }

    #[test]
    fn an_address_worth_one_guest_still_has_the_address_connection_limit() {
        let limits = limits(|c| {
            c.guests_per_address = 1.0;
            c.connections_per_session = 2;
            c.connections_per_address = 5;
        });
        let permits: Vec<_> = (0..10)
            .filter_map(|n| limits.connect(&player(&format!("p{n}"), "10.0.0.1")).ok())
            .collect();
        assert_eq!(permits.len(), 5);
    }

    #[test]
    fn a_refused_connection_counts_against_nobody() {
        let limits = limits(|c| {
            c.connections_per_session = 1;
            c.connections_per_address = 1;
        });
        let _held = limits.connect(&player("alice", "10.0.0.1")).unwrap();
        for _ in 0..10 {
            assert!(limits.connect(&player("bob", "10.0.0.1")).is_err());
        }
        assert!(limits.connect(&player("bob", "10.0.0.9")).is_ok());
    }

    #[test]
    fn new_cookies_share_their_address_allowance() {
        let limits = limits(|c| {
            c.chat_burst = 2.0;
            c.chat_per_second = 0.001;
            c.guests_per_address = 2.0;
        });
        let sent = (0..20)
            .filter(|n| {
                limits
                    .try_chat(&player(&format!("guest{n}"), "10.0.0.1"))
                    .is_ok()
            })
            .count();
        assert_eq!(sent, 4, "two guests' worth of a burst of two");
    }

    #[test]
    fn live_rooms_are_counted_until_their_permit_is_dropped() {
        let limits = limits(|c| {
            c.live_rooms_per_player = 2;
            c.rooms_per_minute = 100.0;
        });
        let alice = player("alice", "10.0.0.1");
        let first = limits.create_room(&alice).unwrap();
        let _second = limits.create_room(&alice).unwrap();
        assert_eq!(
            limits.create_room(&alice).unwrap_err(),
            LimitError::TooManyLiveRooms
        );
        drop(first);
        assert!(limits.create_room(&alice).is_ok());
    }

    #[test]
    fn room_creation_is_rate_limited() {
        let limits = limits(|c| {
            c.live_rooms_per_player = 100;
            c.rooms_per_minute = 3.0;
        });
        let alice = player("alice", "10.0.0.1");
        let permits: Vec<_> = (0..3)
            .map(|_| limits.create_room(&alice).unwrap())
            .collect();
        assert_eq!(
            limits.create_room(&alice).unwrap_err(),
            LimitError::TooManyRoomsCreated
        );
        drop(permits);
    }

    #[test]
    fn ipv6_addresses_count_per_64_network() {
        let a = address_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = address_key("2001:db8:1:2:bbbb::2".parse().unwrap());
        let c = address_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        let mapped = address_key("::ffff:10.0.0.1".parse().unwrap());
        assert_eq!(mapped, "10.0.0.1".parse::<IpAddr>().unwrap());
    }
}

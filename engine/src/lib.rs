//! PianoRhythm's real-time engine: rooms as actors, the limits that belong to a player, each
//! connection's outbox and the set of live connections. It knows no HTTP, storage driver or
//! Redis: what it needs from outside is a trait it owns, [`rooms::Cluster`] (where rooms
//! live, reaching those elsewhere), [`outbox::PeerLink`] (the queue to another instance),
//! [`limits::SharedLimits`] (allowances counted on every instance) and
//! [`rooms::RoomRecords`] (what rooms keep in the store). One instance alone uses
//! [`solo::Solo`] for the first three; the cluster crate implements them over Redis.
//!
//! - `blocks`: whom a player blocks, consulted by rooms on everything they relay
//! - `clock`: the server's time, which clients synchronise to
//! - `frames`: server messages encoded once, shared by every recipient
//! - `ids`: ids of rooms and chat messages
//! - `limits`: allowances per player and per address (connections, joins, rooms, chat)
//! - `live`: every open connection, to close them at shutdown or on a site ban
//! - `metrics`: the engine's counters, through the `metrics` facade
//! - `names`: player and room names, normalised and compared as people read them
//! - `outbox`: a connection's bounded outbound queue
//! - `presence`: where each player's connections are, for their friends
//! - `policy`: what each role may do, in one table
//! - `quotas`: allowances per account (sheets created an hour and a day)
//! - `rooms`: the room actors, their registry, journal, room list, and where rooms live
//! - `shutdown`: the token every long-lived task watches
//! - `solo`: one instance alone, standing in for the cluster

pub mod blocks;
pub mod clock;
pub mod frames;
pub mod ids;
pub mod limits;
pub mod live;
pub mod metrics;
pub mod names;
pub mod outbox;
pub mod policy;
pub mod presence;
pub mod quotas;
pub mod rooms;
pub mod shutdown;
pub mod solo;

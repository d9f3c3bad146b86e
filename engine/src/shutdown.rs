//! Graceful shutdown: one token that every long-lived task watches.
//!
//! When it is cancelled the HTTP server stops accepting, open WebSockets say goodbye with a
//! close reason, rooms end (their journals write what is left), and `/ready` turns 503 so a
//! load balancer stops routing here. The server cancels it on SIGINT or SIGTERM.

use tokio_util::sync::CancellationToken;

pub type Shutdown = CancellationToken;

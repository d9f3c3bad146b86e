//! The bus between server instances: Redis, when `REDIS_URL` is set.
//!
//! - `wire`: the messages instances exchange (`server/proto/bus.proto`)
//! - `peer`: one ordered queue per other instance, published in batches
//! - `seal`: the HMAC (`BUS_SECRET`) every message carries, and its check
//!
//! Each instance has a channel of its own (`pianorhythm:instance:<id>`) that it listens on for
//! as long as it runs, and all listen on one more ([`EVERYONE`]) for what concerns them all, subscribing again whenever Redis comes back after a restart; commands go
//! through one connection that reconnects by itself. Every publish is one [`wire::Envelope`];
//! what arrives is checked (its seal), then handed on, decoded, through the receiver
//! [`Bus::connect`] returns; a message that fails the check is dropped, counted
//! ([`BUS_REJECTED`]) and logged. The
//! instance probes its own channel every few seconds, which measures the bus's
//! publish-to-receive lag (`pianorhythm_bus_lag_seconds`) and shows that the whole path works.
//!
//! Without `REDIS_URL` there is no bus: one process holds every room.

pub mod peer;
pub mod seal;
pub mod wire;

use std::{sync::Arc, time::Duration};

use backon::{ExponentialBuilder, Retryable};
use futures_util::StreamExt;
use metrics::{counter, histogram};
use pianorhythm_engine::{clock, shutdown::Shutdown};
use prost::Message as _;
use redis::{
    aio::{ConnectionManager, ConnectionManagerConfig, PubSub},
    AsyncCommands, Client, RedisResult,
};
use tokio::sync::{mpsc, watch};

/// From publishing on the bus to receiving, measured by probes.
pub const BUS_LAG_SECONDS: &str = "pianorhythm_bus_lag_seconds";
/// Messages on the bus dropped unread, by reason: not sealed with this deployment's
/// `BUS_SECRET` for the channel they came on, or not an envelope.
pub const BUS_REJECTED: &str = "pianorhythm_bus_rejected_total";

/// How often an instance probes its own channel.
const PROBE_INTERVAL: Duration = Duration::from_secs(2);
/// First and longest wait between attempts to subscribe again while Redis is away.
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(100);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(2);
/// A Redis slower than this to answer a ping counts as away.
const PING_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest wait for Redis to take a command or to answer it.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(1);
/// The channel every instance listens on.
const EVERYONE: &str = "pianorhythm:everyone";
/// Envelopes received but not yet handled; the subscription waits when this is full.
const INCOMING_CAPACITY: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// Redis refused or did not answer.
    #[error("Redis at REDIS_URL: {0}")]
    Redis(#[from] redis::RedisError),
    /// `BUS_SECRET` is missing or too weak to seal messages with.
    #[error("{0}")]
    Secret(String),
}

/// This instance's end of the bus.
#[derive(Clone)]
pub struct Bus {
    /// This instance's id among those sharing the bus, fresh at every start.
    instance: Arc<str>,
    /// Commands and publishing; reconnects by itself.
    connection: ConnectionManager,
    /// Whether this instance is subscribed to its channel now (false while Redis is away).
    subscribed: watch::Receiver<bool>,
    /// Seals what this instance publishes.
    key: seal::BusKey,
}

impl Bus {
    /// Connects (Redis must answer now), then listens and probes until shutdown. What other
    /// instances send arrives through the receiver.
    pub async fn connect(
        url: &str,
        key: seal::BusKey,
        shutdown: Shutdown,
    ) -> Result<(Self, mpsc::Receiver<wire::Envelope>), BusError> {
        let client = Client::open(url)?;
        // Players wait on some of these commands (connecting, joining): while Redis is away
        // they fail fast, and what asked carries on without it.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(MAX_RETRY_DELAY);
        let connection = client.get_connection_manager_with_config(config).await?;
        let instance: Arc<str> = format!("{:016x}", rand::random::<u64>()).into();
        let (subscribed_tx, subscribed) = watch::channel(false);
        let (incoming_tx, incoming) = mpsc::channel(INCOMING_CAPACITY);
        let bus = Self {
            instance,
            connection,
            subscribed,
            key: key.clone(),
        };
        let listener = Listener {
            client,
            key,
            channel: channel(&bus.instance),
            incoming: incoming_tx,
            subscribed: subscribed_tx,
        };
        tokio::spawn(listener.run(shutdown.clone()));
        tokio::spawn(bus.clone().probe(shutdown));
        tracing::info!(instance = %bus.instance, "on the bus");
        Ok((bus, incoming))
    }

    /// This instance's id on the bus.
    pub fn instance(&self) -> &Arc<str> {
        &self.instance
    }

    /// Follows whether this instance is subscribed to its channel.
    pub fn subscribed(&self) -> watch::Receiver<bool> {
        self.subscribed.clone()
    }

    /// A connection for commands of one's own (it reconnects by itself).
    pub fn redis(&self) -> ConnectionManager {
        self.connection.clone()
    }

    /// Whether Redis answers now.
    pub async fn ping(&self) -> Result<(), String> {
        let mut connection = self.connection.clone();
        let command = redis::cmd("PING");
        let ping = command.query_async::<String>(&mut connection);
        match tokio::time::timeout(PING_TIMEOUT, ping).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {PING_TIMEOUT:?}")),
        }
    }

    /// Publishes `items` to `instance`'s channel, in one envelope.
    pub async fn publish(&self, instance: &str, items: Vec<wire::Item>) -> RedisResult<()> {
        self.publish_on(channel(instance), items).await
    }

    /// Publishes `items` to every instance, this one included.
    pub async fn broadcast(&self, items: Vec<wire::Item>) -> RedisResult<()> {
        self.publish_on(EVERYONE.to_owned(), items).await
    }

    async fn publish_on(&self, channel: String, items: Vec<wire::Item>) -> RedisResult<()> {
        let envelope = wire::Envelope {
            from: self.instance.to_string(),
            items,
        };
        let payload = self.key.seal(&channel, &envelope.encode_to_vec());
        let mut connection = self.connection.clone();
        connection.publish::<_, _, ()>(channel, payload).await?;
        Ok(())
    }

    async fn probe(self, shutdown: Shutdown) {
        let mut every = tokio::time::interval(PROBE_INTERVAL);
        while shutdown.run_until_cancelled(every.tick()).await.is_some() {
            let probe = wire::Item {
                kind: Some(wire::item::Kind::ProbeSentAt(clock::now_ms())),
            };
            if let Err(error) = self.publish(&self.instance, vec![probe]).await {
                tracing::warn!(%error, "cannot publish on the bus");
            }
        }
    }
}

fn channel(instance: &str) -> String {
    format!("pianorhythm:instance:{instance}")
}

/// Subscribes to this instance's `channel` and to [`EVERYONE`].
async fn subscribe(client: Client, channel: String) -> RedisResult<PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(&[&channel, EVERYONE]).await?;
    Ok(pubsub)
}

/// The subscription to this instance's channel.
struct Listener {
    /// Opens the subscription (again, after Redis restarts).
    client: Client,
    /// Checks every message's seal before it is read.
    key: seal::BusKey,
    /// This instance's own channel.
    channel: String,
    /// Where decoded envelopes go.
    incoming: mpsc::Sender<wire::Envelope>,
    /// Whether the subscription is up, for those who tell players.
    subscribed: watch::Sender<bool>,
}

impl Listener {
    /// Listens until shutdown, subscribing again (with a growing pause while Redis is away)
    /// whenever the subscription breaks.
    async fn run(self, shutdown: Shutdown) {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(FIRST_RETRY_DELAY)
            .with_max_delay(MAX_RETRY_DELAY)
            .without_max_times();
        while !shutdown.is_cancelled() {
            let subscribe = || subscribe(self.client.clone(), self.channel.clone());
            let subscribed = subscribe
                .retry(backoff)
                .notify(|error, _| tracing::warn!(%error, "cannot subscribe on the bus"));
            let Some(Ok(mut pubsub)) = shutdown.run_until_cancelled(subscribed).await else {
                break;
            };
            self.subscribed.send_replace(true);
            let mut messages = pubsub.on_message();
            while let Some(Some(message)) = shutdown.run_until_cancelled(messages.next()).await {
                self.receive(message.get_channel_name(), message.get_payload_bytes())
                    .await;
            }
            self.subscribed.send_replace(false);
            if !shutdown.is_cancelled() {
                tracing::warn!("the bus subscription ended; subscribing again");
            }
        }
    }

    /// One message on `channel`: dropped unless sealed for it with this deployment's secret;
    /// probes are measured here, the rest handed on.
    async fn receive(&self, channel: &str, payload: &[u8]) {
        let bytes = match self.key.open(channel, payload) {
            Ok(bytes) => bytes,
            Err(error) => {
                let reason = match error {
                    seal::Unsealed::Truncated => "truncated",
                    seal::Unsealed::Version(_) => "version",
                    seal::Unsealed::Forged => "forged",
                };
                counter!(BUS_REJECTED, "reason" => reason).increment(1);
                tracing::warn!(%error, channel, "a message on the bus failed its check; dropped");
                return;
            }
        };
        let mut envelope = match wire::Envelope::decode(bytes) {
            Ok(envelope) => envelope,
            Err(error) => {
                counter!(BUS_REJECTED, "reason" => "undecodable").increment(1);
                tracing::warn!(%error, "an undecodable message on the bus");
                return;
            }
        };
        envelope.items.retain(|item| match item.kind {
            Some(wire::item::Kind::ProbeSentAt(sent)) => {
                let lag_ms = (clock::now_ms() - sent).max(0.0);
                histogram!(BUS_LAG_SECONDS).record(lag_ms / 1000.0);
                false
            }
            _ => true,
        });
        if !envelope.items.is_empty() {
            let _ = self.incoming.send(envelope).await;
        }
    }
}

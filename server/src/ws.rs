//! The real-time WebSocket endpoint, `/ws`.
//!
//! - `ban_notice`: what a player banned from the site is told, why and until when
//! - `connection`: the socket loop (reading, decoding, writing, pings, closing)
//! - `handler`: what each request does
//! - `origin`: which pages may open a connection

mod ban_notice;
mod connection;
mod handler;
mod origin;

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, LazyLock,
    },
    time::Duration,
};

use axum::{
    extract::{ConnectInfo, FromRef, Query, State, WebSocketUpgrade},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use pianorhythm_core::{
    domain::report::SiteBan,
    protocol::{MAX_FRAME_BYTES, PROTOCOL_VERSION},
};
use serde::Deserialize;
use tower_sessions::Session;

pub use origin::OriginPolicy;

use pianorhythm_engine::{
    limits::{ConnectionPermit, Player, PlayerLimits},
    live::LiveConnections,
    outbox::outbox,
    rooms::{Origin, Registry},
};

use crate::{
    accounts::{Accounts, Caller},
    error::ApiError,
    rooms,
    service_error::ServiceError,
    social::{PresenceReport, Social},
};

/// What the WebSocket endpoint needs from the application, and nothing more.
#[derive(Clone, FromRef)]
pub struct Realtime {
    pub registry: Arc<Registry>,
    pub limits: Arc<PlayerLimits>,
    pub live: Arc<LiveConnections>,
    pub connection: ConnectionConfig,
    /// Which pages may open a connection.
    pub origins: Arc<OriginPolicy>,
    /// Who connects: the session's guest or account, or a bearer token's account.
    pub accounts: Accounts,
    /// Whom each player blocks, which their rooms must know.
    pub social: Social,
}

/// Connection ids start at a random point, so that the ids of two instances sharing a bus
/// (which rooms see side by side) never meet.
static NEXT_CONNECTION_ID: LazyLock<AtomicU64> =
    LazyLock::new(|| AtomicU64::new(rand::random::<u64>() >> 1));

/// Frames up to this size are read and answered with a clear error when over
/// [`MAX_FRAME_BYTES`]; anything larger ends the connection without being buffered.
const HARD_FRAME_LIMIT: usize = 4 * MAX_FRAME_BYTES;

/// Read and write buffer size per WebSocket.
const SOCKET_BUFFER_BYTES: usize = 8 * 1024;

/// Connection-level limits; tests shorten the timings.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionConfig {
    /// A connection that sends nothing (not even a pong to our pings) for this long is dead.
    pub idle_timeout: Duration,
    /// Frames a connection may have queued before it counts as too slow.
    pub outbox_capacity: usize,
    /// Messages per second a connection may send, sustained, and in a burst.
    pub message_rate: f64,
    pub message_burst: f64,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(60),
            outbox_capacity: pianorhythm_engine::outbox::OUTBOX_CAPACITY,
            message_rate: 1_000.0,
            message_burst: 2_000.0,
        }
    }
}

#[derive(Deserialize)]
pub struct ConnectParams {
    /// The protocol version the client speaks; kept as text so a malformed value still gets
    /// the protocol's own error rather than an HTTP rejection.
    v: Option<String>,
    /// A room ticket (`POST /api/v1/rooms/{id}/join`): the connection enters its room once
    /// welcomed.
    ticket: Option<String>,
}

pub async fn upgrade(
    socket: WebSocketUpgrade,
    Query(params): Query<ConnectParams>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    State(realtime): State<Realtime>,
) -> Response {
    if !realtime.origins.allows(&headers) {
        let refusal = "pages from other sites may not connect to this server";
        return ApiError::Forbidden(refusal.into()).into_response();
    }
    let speaks_our_protocol = params.v.as_deref() == Some(PROTOCOL_VERSION.to_string().as_str());
    // Only a client that speaks our protocol gets an identity, and a place among the
    // connections before the upgrade: a handshake refused for its number of connections
    // starts no session.
    let mut ticket = None;
    let admitted = match speaks_our_protocol {
        true => match realtime
            .accounts
            .caller(&headers, &session, peer.ip())
            .await
        {
            Ok(caller) => {
                if let Some(shown) = &params.ticket {
                    match rooms::check_ticket(&realtime.accounts, &caller, shown) {
                        Ok(claims) => ticket = Some(claims),
                        Err(error) => {
                            forget_new_session(&session).await;
                            return ApiError::from(error).into_response();
                        }
                    }
                }
                Some(admit(&realtime, caller, peer, &session).await)
            }
            // Told over the socket, so the page can say why it cannot play.
            Err(ServiceError::Banned) => {
                let ban = realtime.accounts.site_ban_of_session(&session).await;
                Some(Err(Refused::Banned(ban)))
            }
            Err(error) => return ApiError::from(error).into_response(),
        },
        false => None,
    };
    socket
        // Small buffers: an idle connection should cost a few KB, not the 128 KiB defaults.
        // Frames larger than a buffer are still read whole, just in more than one read.
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(SOCKET_BUFFER_BYTES)
        .max_message_size(HARD_FRAME_LIMIT)
        .max_frame_size(HARD_FRAME_LIMIT)
        .on_upgrade(move |socket| async move {
            let Admitted {
                caller,
                player,
                connection,
                permit,
            } = match admitted {
                None => return connection::refuse_protocol(socket).await,
                Some(Err(Refused::Banned(ban))) => {
                    return connection::refuse_banned(socket, ban.as_ref()).await;
                }
                Some(Err(Refused::Connections(why))) => {
                    return connection::refuse_connection(socket, &why).await
                }
                Some(Ok(admitted)) => admitted,
            };
            let browser = rooms::browser_of(&caller, &session).await;
            let (outbox, receiver) = outbox(realtime.connection.outbox_capacity);
            let origin = Arc::new(Origin {
                player,
                connection,
                outbox,
                role: caller.role(),
                user_agent: caller.user_agent.as_deref().map(Arc::from),
                browser,
            });
            let blocked = realtime
                .social
                .blocked_players(&caller.identity, &session)
                .await;
            let presence = caller.identity.user().map(|user| {
                PresenceReport::new(realtime.social.clone(), user.id.clone(), connection)
            });
            let client = handler::Client {
                caller,
                session,
                blocked,
                presence,
                social: realtime.social.clone(),
                ticket,
            };
            let handler = handler::Handler::new(
                origin,
                client,
                realtime.registry,
                realtime.limits,
                realtime.accounts,
            )
            .await;
            connection::Connection::new(
                socket,
                handler,
                receiver,
                permit,
                realtime.connection,
                realtime.live,
            )
            .serve()
            .await;
        })
}

/// A caller let in: who they are, as limits count them, and their place among the
/// connections.
struct Admitted {
    /// The guest or account connecting.
    caller: Caller,
    /// Who the connection is charged to.
    player: Player,
    /// The connection's id.
    connection: u64,
    /// Its place among the player's and the address's connections.
    permit: ConnectionPermit,
}

/// Why a caller speaking our protocol is not let in (told over the socket).
enum Refused {
    /// Their account is banned from the site: its ban as recorded, to say why and until when.
    Banned(Option<SiteBan>),
    /// They, or their address, hold as many connections as allowed; the limit's reason.
    Connections(String),
}

/// Takes the caller's place among the open connections, or says why there is none. A visitor
/// refused here whose session was only just started (no cookie yet) leaves none behind.
async fn admit(
    realtime: &Realtime,
    caller: Caller,
    peer: SocketAddr,
    session: &Session,
) -> Result<Admitted, Refused> {
    let player = Player::new(caller.identity.id(), peer.ip());
    let connection = NEXT_CONNECTION_ID.fetch_add(1, Ordering::Relaxed);
    match realtime
        .limits
        .connect_everywhere(&player, connection)
        .await
    {
        Ok(permit) => Ok(Admitted {
            caller,
            player,
            connection,
            permit,
        }),
        Err(refusal) => {
            forget_new_session(session).await;
            Err(Refused::Connections(refusal.to_string()))
        }
    }
}

/// A visitor refused at the handshake whose session was only just started (no cookie yet)
/// leaves none behind: emptied, the session manager stores nothing and sets no cookie.
async fn forget_new_session(session: &Session) {
    if session.id().is_none() {
        session.clear().await;
    }
}

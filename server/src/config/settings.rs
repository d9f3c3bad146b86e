//! The server's settings as clap reads them: each from its environment variable (or the
//! matching `--flag`), with its default and its check. [`super::Config`] groups them for the
//! parts of the server that use them.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{builder::BoolishValueParser, ArgAction, Parser};

use pianorhythm_core::rooms::LOBBY_MAX_PLAYERS;

use crate::telemetry::LogFormat;

/// The variables read beside the flags' own: families named by a provider's id, and the log
/// filter, which `tracing` reads.
const MORE_VARIABLES: &str = "\
Also read from the environment:
  OAUTH_<ID>_CLIENT_ID, OAUTH_<ID>_CLIENT_SECRET
      One sign-in provider per <ID> (upper case: GITHUB, DISCORD and GOOGLE have presets;
      any other OAuth 2 / OpenID Connect provider names its endpoints below).
  OAUTH_<ID>_AUTH_URL, OAUTH_<ID>_TOKEN_URL, OAUTH_<ID>_USERINFO_URL
      The provider's endpoints (required without a preset).
  OAUTH_<ID>_SCOPES, OAUTH_<ID>_LABEL
      Scopes asked for (space or comma separated; default the preset's, else \"openid profile\")
      and the sign-in button's label.
  RUST_LOG
      Which logs are written, in tracing's filter syntax (default: info).";

#[derive(Debug, Parser)]
#[command(name = "server", about = "The PianoRhythm server", version, after_help = MORE_VARIABLES)]
pub struct Settings {
    /// Address and port to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub site_addr: SocketAddr,
    /// The built site: client bundle, stylesheet, public assets.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// The client bundle's folder inside the site root.
    #[arg(long, env = "LEPTOS_SITE_PKG_DIR", default_value = "pkg")]
    pub site_pkg_dir: String,
    /// `DEV` enables live reload for `cargo leptos watch`; anything else is production.
    #[arg(long, env = "LEPTOS_ENV", default_value = "PROD")]
    pub leptos_env: String,
    /// Logs as text for people or one JSON object per line.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Async runtime threads (default: cores − 1, at least 1).
    #[arg(long, env = "WORKER_THREADS", value_parser = positive_count)]
    pub worker_threads: Option<u32>,
    /// Mark the session cookie Secure and send HSTS (behind HTTPS).
    #[arg(long, env = "COOKIE_SECURE", default_value = "false", action = ArgAction::Set,
          value_parser = BoolishValueParser::new())]
    pub cookie_secure: bool,
    /// Seconds an empty user room lives on.
    #[arg(long, env = "ROOM_EMPTY_GRACE_SECS", default_value = "30", value_parser = seconds)]
    pub room_empty_grace_secs: Duration,
    /// Players the Lobby admits (2 to 1,000): each note played there is sent to every one.
    #[arg(long, env = "LOBBY_MAX_PLAYERS", default_value_t = LOBBY_MAX_PLAYERS,
          value_parser = lobby_capacity)]
    pub lobby_max_players: u32,
    /// Seconds a silent WebSocket lives on.
    #[arg(long, env = "WS_IDLE_TIMEOUT_SECS", default_value = "60", value_parser = seconds)]
    pub ws_idle_timeout_secs: Duration,
    /// Where the embedded store keeps its files (when MONGODB_URI is unset).
    #[arg(long, env = "DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Store everything in MongoDB instead.
    #[arg(long, env = "MONGODB_URI")]
    pub mongodb_uri: Option<String>,
    /// The MongoDB database to use.
    #[arg(long, env = "MONGODB_DATABASE", default_value = "pianorhythm")]
    pub mongodb_database: String,
    /// Open WebSockets one player may hold.
    #[arg(long, env = "MAX_CONNECTIONS_PER_SESSION", default_value = "8",
          value_parser = positive_count)]
    pub max_connections_per_session: u32,
    /// Open WebSockets one address may hold.
    #[arg(long, env = "MAX_CONNECTIONS_PER_ADDRESS", default_value = "32",
          value_parser = positive_count)]
    pub max_connections_per_address: u32,
    /// Players' worth of every allowance one address gets.
    #[arg(long, env = "GUESTS_PER_ADDRESS", default_value = "4", value_parser = positive_number)]
    pub guests_per_address: f64,
    /// Join attempts per player per minute.
    #[arg(long, env = "JOIN_ATTEMPTS_PER_MINUTE", default_value = "30",
          value_parser = positive_number)]
    pub join_attempts_per_minute: f64,
    /// Rooms a player may create per minute.
    #[arg(long, env = "ROOMS_PER_MINUTE", default_value = "3", value_parser = positive_number)]
    pub rooms_per_minute: f64,
    /// Rooms a player created that may be alive at once.
    #[arg(long, env = "MAX_LIVE_ROOMS_PER_PLAYER", default_value = "5",
          value_parser = positive_count)]
    pub max_live_rooms_per_player: u32,
    /// Chat messages per player per second.
    #[arg(long, env = "CHAT_PER_SECOND", default_value = "1", value_parser = positive_number)]
    pub chat_per_second: f64,
    /// Chat messages a player may send at once.
    #[arg(long, env = "CHAT_BURST", default_value = "5", value_parser = positive_number)]
    pub chat_burst: f64,
    /// Settings changes, kicks, bans, crowns and kept-instrument changes per player per second.
    #[arg(long, env = "OWNER_ACTIONS_PER_SECOND", default_value = "2",
          value_parser = positive_number)]
    pub owner_actions_per_second: f64,
    /// Sheets one account may create (upload or save from a recording) in an hour, on every
    /// instance, however many sessions or tokens it uses.
    #[arg(long, env = "SHEET_UPLOADS_PER_HOUR", default_value = "30", value_parser = positive_count)]
    pub sheet_uploads_per_hour: u32,
    /// Sheets one account may create in a day.
    #[arg(long, env = "SHEET_UPLOADS_PER_DAY", default_value = "200", value_parser = positive_count)]
    pub sheet_uploads_per_day: u32,
    /// Direct messages one account may send at once, on every instance; then one a second.
    #[arg(long, env = "DIRECT_MESSAGES_BURST", default_value = "5", value_parser = positive_count)]
    pub direct_messages_burst: u32,
    /// Direct messages one account may send in a day.
    #[arg(long, env = "DIRECT_MESSAGES_PER_DAY", default_value = "500", value_parser = positive_count)]
    pub direct_messages_per_day: u32,
    /// Reports about other players per player per minute (also the burst).
    #[arg(long, env = "REPORTS_PER_MINUTE", default_value = "5", value_parser = positive_number)]
    pub reports_per_minute: f64,
    /// Reports about other players per player per day.
    #[arg(long, env = "REPORTS_PER_DAY", default_value = "30", value_parser = positive_number)]
    pub reports_per_day: f64,
    /// Sites besides this one whose pages may open the WebSocket and post with the visitor's
    /// cookie, comma-separated.
    #[arg(long, env = "ALLOWED_ORIGINS", default_value = "")]
    pub allowed_origins: String,
    /// Sites whose pages may call `/api/v1` with a bearer token (CORS), comma-separated
    /// `scheme://host[:port]`; their requests never act with a cookie.
    #[arg(long, env = "CORS_ORIGINS", default_value = "", value_parser = crate::http::cors::origins)]
    pub cors_origins: crate::http::cors::CorsOrigins,
    /// HTTP requests per address per second (pages, server functions, the API).
    #[arg(long, env = "HTTP_REQUESTS_PER_SECOND", default_value = "20",
          value_parser = positive_count)]
    pub http_requests_per_second: u32,
    /// HTTP requests an address may make at once.
    #[arg(long, env = "HTTP_BURST", default_value = "100", value_parser = positive_count)]
    pub http_burst: u32,
    /// The largest request body accepted, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value = "65536", value_parser = positive_count)]
    pub max_body_bytes: u32,
    /// Seconds a client may take to send a request's headers.
    #[arg(long, env = "HEADER_TIMEOUT_SECS", default_value = "30", value_parser = seconds)]
    pub header_timeout_secs: Duration,
    /// Seconds reading a request's body and answering it may take (408 beyond).
    #[arg(long, env = "REQUEST_TIMEOUT_SECS", default_value = "30", value_parser = seconds)]
    pub request_timeout_secs: Duration,
    /// Connections open at once, WebSockets included; more wait until one closes.
    #[arg(long, env = "MAX_OPEN_CONNECTIONS", default_value = "20000",
          value_parser = positive_count)]
    pub max_open_connections: u32,
    /// How browsers reach this site (`https://piano.example`); builds OAuth callback URLs.
    /// Defaults to `http://<LEPTOS_SITE_ADDR>`.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The Ed25519 key (PKCS#8 PEM) that signs API access tokens; generated and kept in
    /// DATA_DIR when unset.
    #[arg(long, env = "JWT_PRIVATE_KEY")]
    pub jwt_private_key: Option<String>,

    /// Logins made admins when they sign in, as `provider:subject`, comma-separated.
    #[arg(long, env = "ADMINS", default_value = "")]
    pub admins: String,

    /// Hosts avatars may come from (https only), comma-separated: pages load images from
    /// these and nowhere else. Empty: no avatars.
    #[arg(
        long,
        env = "AVATAR_HOSTS",
        default_value = "avatars.githubusercontent.com,cdn.discordapp.com,lh3.googleusercontent.com"
    )]
    pub avatar_hosts: String,

    /// How long an API access token is good for.
    #[arg(long, env = "ACCESS_TOKEN_TTL_SECS", default_value = "900", value_parser = seconds)]
    pub access_token_ttl_secs: Duration,

    /// How long an unused API refresh token is good for.
    #[arg(long, env = "REFRESH_TOKEN_TTL_DAYS", default_value = "30", value_parser = positive_count)]
    pub refresh_token_ttl_days: u32,

    /// How long a sign-in's API refresh family lives, however often it is refreshed; after
    /// it, the API asks for a new sign-in.
    #[arg(long, env = "REFRESH_FAMILY_MAX_AGE_DAYS", default_value = "90",
          value_parser = positive_count)]
    pub refresh_family_max_age_days: u32,

    /// Sessions of visitors who did nothing worth storing, kept in memory at most.
    #[arg(long, env = "PASSING_SESSIONS", default_value = "100000",
          value_parser = positive_count)]
    pub passing_sessions: u32,

    /// Where Prometheus scrapes `/metrics`: a listener of its own, never the public one.
    #[arg(long, env = "METRICS_ADDR", default_value = "127.0.0.1:9100")]
    pub metrics_addr: SocketAddr,

    /// Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For names
    /// the client; none by default, so the header is ignored.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "", value_parser = trusted_proxies)]
    pub trusted_proxies: String,

    /// Redis, the bus between instances (`redis://user:password@host:6379`); unset: one
    /// instance alone.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,

    /// The secret (at least 32 characters, the same on every instance) that signs every
    /// message on the bus; required with REDIS_URL.
    #[arg(long, env = "BUS_SECRET", hide_env_values = true)]
    pub bus_secret: Option<String>,

    /// Send errors and panics to this Sentry project (its DSN); empty or unset sends nothing.
    #[arg(long, env = "SENTRY_DSN", value_parser = crate::telemetry::valid_sentry_dsn)]
    pub sentry_dsn: Option<String>,
}

fn trusted_proxies(value: &str) -> Result<String, String> {
    crate::http::client_address::TrustedProxies::parse(value).map(|_| value.to_owned())
}

fn positive_number(value: &str) -> Result<f64, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|number| number.is_finite() && *number > 0.0)
        .ok_or_else(|| "expected a positive number".to_owned())
}

fn positive_count(value: &str) -> Result<u32, String> {
    value
        .parse::<u32>()
        .ok()
        .filter(|count| *count > 0)
        .ok_or_else(|| "expected a positive whole number".to_owned())
}

/// The most players a Lobby may be given: the cost of each of its notes grows with them.
const LOBBY_CAPACITY_LIMIT: u32 = 1_000;

fn lobby_capacity(value: &str) -> Result<u32, String> {
    value
        .parse::<u32>()
        .ok()
        .filter(|players| (2..=LOBBY_CAPACITY_LIMIT).contains(players))
        .ok_or_else(|| format!("expected a number of players from 2 to {LOBBY_CAPACITY_LIMIT}"))
}

fn seconds(value: &str) -> Result<Duration, String> {
    positive_number(value)
        .map(Duration::from_secs_f64)
        .map_err(|_| "expected a positive number of seconds".to_owned())
}

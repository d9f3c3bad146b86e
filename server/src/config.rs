//! Configuration from the environment, with defaults that run everything on one machine.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use leptos::config::{Env, LeptosOptions};

use crate::{
    http::limits::HttpLimits,
    limits::LimitsConfig,
    rooms::RoomsConfig,
    store::{sessions::PASSING_SESSIONS, StoreConfig},
    ws::{ConnectionConfig, OriginPolicy},
};

/// Every setting the server reads. The README's configuration table lists the same variables.
#[derive(Clone, Debug)]
pub struct Config {
    /// `LEPTOS_SITE_ADDR`: where to listen.
    pub site_addr: SocketAddr,
    /// `LEPTOS_SITE_ROOT`: the built site (client bundle, stylesheet, public assets).
    pub site_root: PathBuf,
    /// `LEPTOS_SITE_PKG_DIR`: the client bundle's folder inside the site root.
    pub site_pkg_dir: String,
    /// `LEPTOS_ENV`: `DEV` turns on live reload for `cargo leptos watch`; anything else is production.
    pub dev_mode: bool,
    /// `LOG_FORMAT`: `json` for one JSON object per line, `text` for people.
    pub log_format: LogFormat,
    /// `WORKER_THREADS`: async runtime threads; by default one fewer than the cores (at least
    /// one). About half the server's CPU time is the kernel's TCP work on behalf of its sockets;
    /// leaving it a core measured faster than a runtime thread on every core (see README).
    pub worker_threads: usize,
    /// `COOKIE_SECURE`: mark the session cookie Secure (set `true` behind HTTPS).
    pub cookie_secure: bool,
    /// `ROOM_EMPTY_GRACE_SECS` (how long an empty room lives on).
    pub rooms: RoomsConfig,
    /// `WS_IDLE_TIMEOUT_SECS` (when a silent connection counts as dead).
    pub connection: ConnectionConfig,
    /// `MONGODB_URI` and `MONGODB_DATABASE` when the URI is set, else the embedded store in
    /// `DATA_DIR`.
    pub store: StoreConfig,
    /// Per-player limits: connections, joins, rooms, chat, owner actions.
    pub limits: LimitsConfig,
    /// `ALLOWED_ORIGINS`: sites besides this one whose pages may open the WebSocket.
    pub allowed_origins: OriginPolicy,
    /// `HTTP_REQUESTS_PER_SECOND`, `HTTP_BURST`, `MAX_BODY_BYTES`: what one address may ask.
    pub http: HttpLimits,
    /// `PASSING_SESSIONS`: sessions of visitors who did nothing worth storing, kept in memory.
    pub passing_sessions: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can configure a server without touching the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let site_addr = match lookup("LEPTOS_SITE_ADDR") {
            Some(value) => value.parse().map_err(|error| ConfigError::Invalid {
                name: "LEPTOS_SITE_ADDR",
                reason: format!("{value:?}: {error}"),
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let log_format = match lookup("LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "LOG_FORMAT",
                    reason: format!("{other:?}: expected \"text\" or \"json\""),
                })
            }
        };
        let seconds = |name: &'static str, default: Duration| match lookup(name) {
            None => Ok(default),
            Some(value) => value
                .parse::<f64>()
                .ok()
                .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| ConfigError::Invalid {
                    name,
                    reason: format!("{value:?}: expected a positive number of seconds"),
                }),
        };
        let mut rooms = RoomsConfig::default();
        rooms.empty_room_grace = seconds("ROOM_EMPTY_GRACE_SECS", rooms.empty_room_grace)?;
        let mut connection = ConnectionConfig::default();
        connection.idle_timeout = seconds("WS_IDLE_TIMEOUT_SECS", connection.idle_timeout)?;
        let cookie_secure = match lookup("COOKIE_SECURE").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "COOKIE_SECURE",
                    reason: format!("{other:?}: expected true or false"),
                })
            }
        };
        let store = match lookup("MONGODB_URI").filter(|uri| !uri.trim().is_empty()) {
            Some(uri) => StoreConfig::MongoDb {
                uri,
                database: lookup("MONGODB_DATABASE").unwrap_or_else(|| "pianorhythm".into()),
            },
            None => StoreConfig::Embedded {
                data_dir: lookup("DATA_DIR").unwrap_or_else(|| "data".into()).into(),
            },
        };
        let number = |name: &'static str, default: f64| match lookup(name) {
            None => Ok(default),
            Some(value) => value
                .parse::<f64>()
                .ok()
                .filter(|number| number.is_finite() && *number > 0.0)
                .ok_or_else(|| ConfigError::Invalid {
                    name,
                    reason: format!("{value:?}: expected a positive number"),
                }),
        };
        let mut limits = LimitsConfig::default();
        limits.connections_per_session = number(
            "MAX_CONNECTIONS_PER_SESSION",
            limits.connections_per_session.into(),
        )? as u32;
        limits.connections_per_address = number(
            "MAX_CONNECTIONS_PER_ADDRESS",
            limits.connections_per_address.into(),
        )? as u32;
        limits.guests_per_address = number("GUESTS_PER_ADDRESS", limits.guests_per_address)?;
        limits.joins_per_minute = number("JOIN_ATTEMPTS_PER_MINUTE", limits.joins_per_minute)?;
        limits.rooms_per_minute = number("ROOMS_PER_MINUTE", limits.rooms_per_minute)?;
        limits.live_rooms_per_player = number(
            "MAX_LIVE_ROOMS_PER_PLAYER",
            limits.live_rooms_per_player.into(),
        )? as u32;
        limits.chat_per_second = number("CHAT_PER_SECOND", limits.chat_per_second)?;
        limits.chat_burst = number("CHAT_BURST", limits.chat_burst)?;
        limits.owner_actions_per_second =
            number("OWNER_ACTIONS_PER_SECOND", limits.owner_actions_per_second)?;
        let worker_threads = match lookup("WORKER_THREADS") {
            None => std::thread::available_parallelism()
                .map_or(1, |cores| cores.get().saturating_sub(1))
                .max(1),
            Some(value) => value
                .parse::<usize>()
                .ok()
                .filter(|&threads| threads > 0)
                .ok_or_else(|| ConfigError::Invalid {
                    name: "WORKER_THREADS",
                    reason: format!("{value:?}: expected a positive whole number"),
                })?,
        };
        let mut http = HttpLimits::default();
        http.requests_per_second =
            number("HTTP_REQUESTS_PER_SECOND", http.requests_per_second.into())? as u32;
        http.burst = number("HTTP_BURST", http.burst.into())? as u32;
        http.max_body_bytes = number("MAX_BODY_BYTES", http.max_body_bytes as f64)? as usize;
        let passing_sessions = number("PASSING_SESSIONS", PASSING_SESSIONS as f64)? as usize;
        Ok(Self {
            passing_sessions,
            http,
            allowed_origins: OriginPolicy::from_list(
                &lookup("ALLOWED_ORIGINS").unwrap_or_default(),
            ),
            limits,
            worker_threads,
            store,
            cookie_secure,
            rooms,
            connection,
            site_addr,
            site_root: lookup("LEPTOS_SITE_ROOT")
                .unwrap_or_else(|| "target/site".into())
                .into(),
            site_pkg_dir: lookup("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".into()),
            dev_mode: lookup("LEPTOS_ENV").is_some_and(|env| env.eq_ignore_ascii_case("dev")),
            log_format,
        })
    }

    /// The folder the client bundle is served from.
    pub fn pkg_dir(&self) -> PathBuf {
        self.site_root.join(&self.site_pkg_dir)
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(env!("LEPTOS_OUTPUT_NAME"))
            .site_root(self.site_root.to_string_lossy().as_ref())
            .site_pkg_dir(self.site_pkg_dir.as_str())
            .site_addr(self.site_addr)
            .env(if self.dev_mode { Env::DEV } else { Env::PROD })
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn defaults_serve_locally_in_production_mode() {
        let config = config(&[]).unwrap();
        assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.pkg_dir(), PathBuf::from("target/site/pkg"));
        assert!(!config.dev_mode);
        assert_eq!(config.log_format, LogFormat::Text);
    }

    #[test]
    fn site_addr_is_honoured_and_validated() {
        let config = config(&[("LEPTOS_SITE_ADDR", "0.0.0.0:8080")]).unwrap();
        assert_eq!(config.site_addr.port(), 8080);
        let error = super::tests::config(&[("LEPTOS_SITE_ADDR", "nowhere")]).unwrap_err();
        assert!(error.to_string().contains("LEPTOS_SITE_ADDR"));
    }

    #[test]
    fn timings_are_read_in_seconds_and_validated() {
        let config = config(&[
            ("ROOM_EMPTY_GRACE_SECS", "0.5"),
            ("WS_IDLE_TIMEOUT_SECS", "3"),
        ])
        .unwrap();
        assert_eq!(config.rooms.empty_room_grace, Duration::from_millis(500));
        assert_eq!(config.connection.idle_timeout, Duration::from_secs(3));
        assert!(super::tests::config(&[("WS_IDLE_TIMEOUT_SECS", "-1")]).is_err());
        assert!(super::tests::config(&[("ROOM_EMPTY_GRACE_SECS", "soon")]).is_err());
    }

    #[test]
    fn the_store_is_embedded_unless_a_mongodb_uri_is_set() {
        let embedded = StoreConfig::Embedded {
            data_dir: "data".into(),
        };
        assert_eq!(config(&[]).unwrap().store, embedded);
        let elsewhere = config(&[("DATA_DIR", "/var/lib/pianorhythm")]).unwrap();
        assert_eq!(
            elsewhere.store,
            StoreConfig::Embedded {
                data_dir: "/var/lib/pianorhythm".into()
            }
        );
        let mongo = config(&[("MONGODB_URI", "mongodb://db:27017"), ("DATA_DIR", "/x")]).unwrap();
        assert_eq!(
            mongo.store,
            StoreConfig::MongoDb {
                uri: "mongodb://db:27017".into(),
                database: "pianorhythm".into()
            }
        );
        let named = config(&[("MONGODB_URI", "mongodb://db"), ("MONGODB_DATABASE", "pr")]).unwrap();
        assert!(matches!(named.store, StoreConfig::MongoDb { database, .. } if database == "pr"));
    }

    #[test]
    fn worker_threads_default_to_at_least_one_and_are_validated() {
        assert!(config(&[]).unwrap().worker_threads >= 1);
        assert_eq!(
            config(&[("WORKER_THREADS", "3")]).unwrap().worker_threads,
            3
        );
        assert!(super::tests::config(&[("WORKER_THREADS", "0")]).is_err());
        assert!(super::tests::config(&[("WORKER_THREADS", "many")]).is_err());
    }

    #[test]
    fn unknown_log_format_is_refused() {
        assert!(config(&[("LOG_FORMAT", "xml")]).is_err());
        assert_eq!(
            config(&[("LOG_FORMAT", "json")]).unwrap().log_format,
            LogFormat::Json
        );
    }

    /// The client bundle's file names come from LEPTOS_OUTPUT_NAME (set in .cargo/config.toml);
    /// cargo-leptos and scripts/env.sh take them from Cargo.toml. They must agree.
    #[test]
    fn output_name_matches_the_workspace_metadata() {
        let manifest =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml")).unwrap();
        let manifest: toml::Value = toml::from_str(&manifest).unwrap();
        let output_name = &manifest["workspace"]["metadata"]["leptos"][0]["output-name"];
        assert_eq!(output_name.as_str(), Some(env!("LEPTOS_OUTPUT_NAME")));
    }
}

//! Configuration from the environment, with defaults that run everything on one machine.
//!
//! `settings` reads each variable (clap, with `env`); [`Config`] groups them by the part of the
//! server that uses them.

mod settings;

use std::{net::SocketAddr, path::PathBuf};

use clap::{CommandFactory, FromArgMatches, Parser};
use leptos::config::{Env, LeptosOptions};
use pianorhythm_store::StoreConfig;

pub use crate::telemetry::LogFormat;
use pianorhythm_engine::{
    limits::LimitsConfig,
    quotas::{MessageQuota, UploadQuota},
    rooms::RoomsConfig,
};
use settings::Settings;

use crate::{
    accounts::{AccountsConfig, Providers},
    http::{
        client_address::TrustedProxies, cors::CorsOrigins, limits::HttpLimits, serve::ServeConfig,
        Site,
    },
    ws::{ConnectionConfig, OriginPolicy},
};

/// Every setting the server reads. docs/operations.md lists the same variables.
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
    /// leaving it a core measured faster than a runtime thread on every core (see docs/operations.md).
    pub worker_threads: usize,
    /// `COOKIE_SECURE`: mark the session cookie Secure (set `true` behind HTTPS).
    pub cookie_secure: bool,
    /// `ROOM_EMPTY_GRACE_SECS` (how long an empty room lives on), `LOBBY_MAX_PLAYERS`.
    pub rooms: RoomsConfig,
    /// `WS_IDLE_TIMEOUT_SECS` (when a silent connection counts as dead).
    pub connection: ConnectionConfig,
    /// `MONGODB_URI` and `MONGODB_DATABASE` when the URI is set, else the embedded store in
    /// `DATA_DIR`.
    pub store: StoreConfig,
    /// Per-player limits: connections, joins, rooms, chat, owner actions.
    pub limits: LimitsConfig,
    /// `SHEET_UPLOADS_PER_HOUR`, `SHEET_UPLOADS_PER_DAY`: sheets one account may create.
    pub upload_quota: UploadQuota,
    /// `DIRECT_MESSAGES_BURST`, `DIRECT_MESSAGES_PER_DAY`: direct messages one account may send.
    pub message_quota: MessageQuota,
    /// `ALLOWED_ORIGINS`: sites besides this one whose pages may open the WebSocket.
    pub allowed_origins: OriginPolicy,
    /// `CORS_ORIGINS`: sites whose pages may call the API with a bearer token.
    pub cors_origins: CorsOrigins,
    /// `HTTP_REQUESTS_PER_SECOND`, `HTTP_BURST`, `MAX_BODY_BYTES`, `REQUEST_TIMEOUT_SECS`:
    /// what one address may ask.
    pub http: HttpLimits,
    /// `PASSING_SESSIONS`: sessions of visitors who did nothing worth storing, kept in memory.
    pub passing_sessions: usize,
    /// `OAUTH_*`, `PUBLIC_URL`, `ADMINS`, `JWT_PRIVATE_KEY` and token lifetimes.
    pub accounts: AccountsConfig,
    /// `METRICS_ADDR`: where Prometheus scrapes `/metrics` (port 0 picks a free port).
    pub metrics_addr: SocketAddr,
    /// `REDIS_URL`: the bus between instances, if there are several.
    pub redis_url: Option<String>,
    /// `BUS_SECRET`: signs the bus's messages, so an instance believes only its peers.
    pub bus_secret: Option<String>,
    /// `SENTRY_DSN`: where errors and panics are reported, if anywhere.
    pub sentry_dsn: Option<String>,
    /// `TRUSTED_PROXIES`: the reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// `HEADER_TIMEOUT_SECS`, `MAX_OPEN_CONNECTIONS`: how connections are accepted.
    pub serve: ServeConfig,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A setting is missing its form or its range; clap's message names it.
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// From the process's environment variables and command-line flags (`--help` prints
    /// every setting with its variable and default, and exits).
    pub fn from_env() -> Result<Self, ConfigError> {
        match Settings::try_parse() {
            Ok(settings) => {
                let mut config = Self::from(settings);
                let names = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok());
                config.accounts.providers =
                    Providers::from_env(names, |name| std::env::var(name).ok())
                        .map_err(ConfigError::Invalid)?;
                Ok(config)
            }
            Err(error) if !error.use_stderr() => error.exit(),
            Err(error) => Err(ConfigError::Invalid(error.to_string())),
        }
    }

    /// Reads settings through `lookup` (variable name to value) and nothing else, so tests can
    /// configure a server without touching the process environment. OAuth providers, whose
    /// variable names are not fixed, are left for the caller to set (`accounts.providers`).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let command = Settings::command();
        let mut args = vec!["server".to_owned()];
        for arg in command.get_arguments() {
            let (Some(variable), Some(flag)) = (arg.get_env(), arg.get_long()) else {
                continue;
            };
            if let Some(value) = variable.to_str().and_then(&lookup) {
                args.push(format!("--{flag}={value}"));
            }
        }
        let command = command.mut_args(|arg| arg.env(None::<&str>));
        command
            .try_get_matches_from(args)
            .and_then(|matches| Settings::from_arg_matches(&matches))
            .map(Self::from)
            .map_err(|error| ConfigError::Invalid(error.to_string()))
    }

    /// How the HTTP surface is set up.
    pub fn site(&self) -> Site {
        Site {
            root: self.site_root.clone(),
            pkg_dir: self.site_pkg_dir.clone(),
            cookie_secure: self.cookie_secure,
            limits: self.http,
            trusted_proxies: self.trusted_proxies.clone(),
            cors_origins: self.cors_origins.clone(),
        }
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

impl From<Settings> for Config {
    fn from(settings: Settings) -> Self {
        let store = match settings.mongodb_uri.filter(|uri| !uri.trim().is_empty()) {
            Some(uri) => StoreConfig::MongoDb {
                uri,
                database: settings.mongodb_database,
            },
            None => StoreConfig::Embedded {
                data_dir: settings.data_dir.clone(),
            },
        };
        let worker_threads = settings.worker_threads.map_or_else(
            || {
                std::thread::available_parallelism()
                    .map_or(1, |cores| cores.get().saturating_sub(1))
                    .max(1)
            },
            |threads| threads as usize,
        );
        Self {
            site_addr: settings.site_addr,
            site_root: settings.site_root,
            site_pkg_dir: settings.site_pkg_dir,
            dev_mode: settings.leptos_env.eq_ignore_ascii_case("dev"),
            log_format: settings.log_format,
            worker_threads,
            cookie_secure: settings.cookie_secure,
            rooms: RoomsConfig {
                empty_room_grace: settings.room_empty_grace_secs,
                lobby_max_players: settings.lobby_max_players,
                ..RoomsConfig::default()
            },
            connection: ConnectionConfig {
                idle_timeout: settings.ws_idle_timeout_secs,
                ..ConnectionConfig::default()
            },
            store,
            upload_quota: UploadQuota {
                per_hour: settings.sheet_uploads_per_hour,
                per_day: settings.sheet_uploads_per_day,
            },
            message_quota: MessageQuota {
                burst: settings.direct_messages_burst,
                per_day: settings.direct_messages_per_day,
            },
            limits: LimitsConfig {
                connections_per_session: settings.max_connections_per_session,
                connections_per_address: settings.max_connections_per_address,
                guests_per_address: settings.guests_per_address,
                joins_per_minute: settings.join_attempts_per_minute,
                rooms_per_minute: settings.rooms_per_minute,
                live_rooms_per_player: settings.max_live_rooms_per_player,
                chat_per_second: settings.chat_per_second,
                chat_burst: settings.chat_burst,
                owner_actions_per_second: settings.owner_actions_per_second,
                reports_per_minute: settings.reports_per_minute,
                reports_per_day: settings.reports_per_day,
            },
            allowed_origins: OriginPolicy::from_list(&settings.allowed_origins),
            cors_origins: settings.cors_origins,
            http: HttpLimits {
                requests_per_second: settings.http_requests_per_second,
                burst: settings.http_burst,
                max_body_bytes: settings.max_body_bytes as usize,
                max_upload_bytes: crate::http::limits::upload_limit(),
                request_timeout: settings.request_timeout_secs,
            },
            serve: ServeConfig {
                header_timeout: settings.header_timeout_secs,
                max_connections: settings.max_open_connections as usize,
            },
            passing_sessions: settings.passing_sessions as usize,
            metrics_addr: settings.metrics_addr,
            redis_url: settings.redis_url.filter(|url| !url.trim().is_empty()),
            bus_secret: settings
                .bus_secret
                .filter(|secret| !secret.trim().is_empty()),
            sentry_dsn: settings.sentry_dsn.filter(|dsn| !dsn.is_empty()),
            trusted_proxies: TrustedProxies::parse(&settings.trusted_proxies)
                .expect("checked when the settings were read"),
            accounts: AccountsConfig {
                providers: Providers::default(),
                public_url: settings.public_url.filter(|url| !url.trim().is_empty()),
                admins: settings
                    .admins
                    .split(',')
                    .map(str::trim)
                    .filter(|login| !login.is_empty())
                    .map(str::to_owned)
                    .collect(),
                avatar_hosts: settings
                    .avatar_hosts
                    .split(',')
                    .map(|host| host.trim().to_ascii_lowercase())
                    .filter(|host| !host.is_empty())
                    .collect(),
                jwt_private_key: settings
                    .jwt_private_key
                    .filter(|key| !key.trim().is_empty()),
                key_dir: settings.data_dir.clone(),
                cookie_secure: settings.cookie_secure,
                access_ttl: settings.access_token_ttl_secs,
                refresh_ttl: std::time::Duration::from_secs(
                    u64::from(settings.refresh_token_ttl_days) * 86_400,
                ),
                family_lifetime: std::time::Duration::from_secs(
                    u64::from(settings.refresh_family_max_age_days) * 86_400,
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn help_names_every_variable_the_server_reads() {
        let help = Settings::command().render_help().to_string();
        for variable in [
            "LEPTOS_SITE_ADDR",
            "CORS_ORIGINS",
            "ALLOWED_ORIGINS",
            "DIRECT_MESSAGES_BURST",
            "AVATAR_HOSTS",
            "REDIS_URL",
            "OAUTH_<ID>_CLIENT_ID",
            "OAUTH_<ID>_CLIENT_SECRET",
            "OAUTH_<ID>_AUTH_URL",
            "OAUTH_<ID>_TOKEN_URL",
            "OAUTH_<ID>_USERINFO_URL",
            "OAUTH_<ID>_SCOPES",
            "OAUTH_<ID>_LABEL",
            "RUST_LOG",
        ] {
            assert!(help.contains(variable), "{variable} is missing from --help");
        }
    }

    #[test]
    fn cors_origins_are_read_and_checked() {
        let listed = config(&[(
            "CORS_ORIGINS",
            "https://tools.example, http://localhost:5173",
        )])
        .unwrap();
        assert_eq!(listed.cors_origins.0.len(), 2);
        assert!(config(&[]).unwrap().cors_origins.0.is_empty());
        assert!(config(&[("CORS_ORIGINS", "tools.example")]).is_err());
    }

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
        assert!(error.to_string().contains("site-addr"), "{error}");
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
    fn the_lobby_holds_a_hundred_unless_told_otherwise_within_bounds() {
        assert_eq!(config(&[]).unwrap().rooms.lobby_max_players, 100);
        let bigger = config(&[("LOBBY_MAX_PLAYERS", "250")]).unwrap();
        assert_eq!(bigger.rooms.lobby_max_players, 250);
        for refused in ["1", "1001", "-5", "lots"] {
            assert!(
                config(&[("LOBBY_MAX_PLAYERS", refused)]).is_err(),
                "{refused}"
            );
        }
    }

    #[test]
    fn limits_and_origins_are_read_and_checked() {
        let config = config(&[
            ("GUESTS_PER_ADDRESS", "2.5"),
            ("MAX_CONNECTIONS_PER_SESSION", "3"),
            ("ALLOWED_ORIGINS", "https://a.example, https://b.example"),
            ("HTTP_BURST", "7"),
            ("COOKIE_SECURE", "1"),
        ])
        .unwrap();
        assert_eq!(config.limits.guests_per_address, 2.5);
        assert_eq!(config.limits.connections_per_session, 3);
        assert_eq!(config.allowed_origins.allowed.len(), 2);
        assert_eq!(config.http.burst, 7);
        assert!(config.cookie_secure);
        for (name, bad) in [
            ("GUESTS_PER_ADDRESS", "0"),
            ("MAX_CONNECTIONS_PER_SESSION", "-1"),
            ("HTTP_BURST", "many"),
            ("COOKIE_SECURE", "perhaps"),
        ] {
            assert!(
                super::tests::config(&[(name, bad)]).is_err(),
                "{name}={bad}"
            );
        }
    }

    #[test]
    fn the_process_environment_does_not_leak_into_a_lookup() {
        // SAFETY: set before any thread of this test reads the environment; no other test
        // reads MAX_BODY_BYTES.
        unsafe { std::env::set_var("MAX_BODY_BYTES", "12") };
        assert_eq!(config(&[]).unwrap().http.max_body_bytes, 65_536);
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

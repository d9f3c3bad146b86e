//! Structured logging through `tracing`, filtered by `RUST_LOG` (default `info`); with
//! `SENTRY_DSN` set, errors (logged at `error`) and panics also go to Sentry, with the
//! warnings and information logged before them as breadcrumbs.

use sentry::integrations::tracing::{BreadcrumbLayer, ErrorLayer};
use tracing_subscriber::{
    filter::LevelFilter, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer,
};

/// Keeps telemetry running; dropping it (as the process ends) sends what Sentry still queues.
pub struct Telemetry {
    /// The Sentry client, when `SENTRY_DSN` is set.
    _sentry: Option<sentry::ClientInitGuard>,
}

/// How log lines are written (`LOG_FORMAT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// For people reading a terminal.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Installs the process's logging (once per process) and, given a DSN, the Sentry client.
pub fn init(format: LogFormat, sentry_dsn: Option<&str>) -> Telemetry {
    let sentry = sentry_dsn.map(|dsn| {
        let mut options = sentry::ClientOptions::new();
        options.dsn = dsn.parse().ok();
        options.release = sentry::release_name!();
        options.attach_stacktrace = true;
        sentry::init(options)
    });
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = match format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .boxed(),
        LogFormat::Text => tracing_subscriber::fmt::layer().boxed(),
    };
    // Errors become Sentry events; warnings and information ride along with them as
    // breadcrumbs. Nothing else is sent.
    let to_sentry = sentry.is_some().then(|| {
        ErrorLayer::new()
            .with_filter(LevelFilter::ERROR)
            .and_then(BreadcrumbLayer::new().with_filter(LevelFilter::INFO))
    });
    tracing_subscriber::registry()
        .with(filter)
        .with(logs)
        .with(to_sentry)
        .init();
    Telemetry { _sentry: sentry }
}

/// Checks a `SENTRY_DSN` before anything is sent with it (an empty one means none).
pub fn valid_sentry_dsn(dsn: &str) -> Result<String, String> {
    if dsn.trim().is_empty() {
        return Ok(String::new());
    }
    dsn.parse::<sentry::types::Dsn>()
        .map(|_| dsn.to_owned())
        .map_err(|error| format!("not a Sentry DSN: {error}"))
}

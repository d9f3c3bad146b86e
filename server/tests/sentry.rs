//! Errors and panics reach Sentry when `SENTRY_DSN` is set. A local HTTP endpoint stands in
//! for Sentry and keeps the envelopes it is sent.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{body::Bytes, extract::State, routing::post, Router};
use server::{config::LogFormat, telemetry};

/// Sentry's envelope endpoint, keeping every envelope it receives.
struct Capture {
    address: SocketAddr,
    envelopes: Arc<Mutex<Vec<String>>>,
}

impl Capture {
    async fn start() -> Self {
        let envelopes = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/api/{project}/envelope/", post(keep))
            .with_state(envelopes.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { address, envelopes }
    }

    fn dsn(&self) -> String {
        format!("http://public@{}/1", self.address)
    }

    /// Waits (a few seconds at most) for an envelope holding `text`.
    async fn received(&self, text: &str) -> bool {
        for _ in 0..100 {
            if self
                .envelopes
                .lock()
                .unwrap()
                .iter()
                .any(|e| e.contains(text))
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }
}

async fn keep(State(envelopes): State<Arc<Mutex<Vec<String>>>>, body: Bytes) {
    envelopes
        .lock()
        .unwrap()
        .push(String::from_utf8_lossy(&body).into_owned());
}

#[tokio::test]
async fn an_error_that_stops_the_server_reaches_sentry() {
    let capture = Capture::start().await;
    // A file where the data folder should be: the embedded store cannot open.
    let not_a_folder = tempfile::NamedTempFile::new().unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("SENTRY_DSN", capture.dsn())
        .env("DATA_DIR", not_a_folder.path())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("METRICS_ADDR", "127.0.0.1:0")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(
        capture.received("cannot start the server").await,
        "no envelope names the error; the server said: {}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[tokio::test]
async fn a_bad_dsn_is_refused_by_name() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("SENTRY_DSN", "not a dsn")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("SENTRY_DSN") || said.contains("sentry-dsn"),
        "{said}"
    );
}

#[tokio::test]
async fn a_panic_reaches_sentry() {
    let capture = Capture::start().await;
    let dsn = capture.dsn();
    // Sentry's client sends from its own thread; the panic happens on a plain one, as in a
    // task of the server's runtime.
    let telemetry = telemetry::init(LogFormat::Text, Some(&dsn));
    let panicked = std::thread::spawn(|| panic!("the piano fell over")).join();
    assert!(panicked.is_err());
    assert!(capture.received("the piano fell over").await);
    drop(telemetry);
}

//! The bus between instances (Redis, `REDIS_URL`): a real `redis-server`, the path from
//! publishing to receiving measured, readiness following Redis, and service resuming when
//! Redis restarts mid-session.

mod common;
mod support {
    pub mod redis;
}

use std::time::Duration;

use common::TestServer;
use support::redis::{RedisServer, BUS_SECRET};

async fn server_on(redis: &RedisServer) -> TestServer {
    let url = redis.url();
    TestServer::start_ready_with(move |config| {
        config.redis_url = Some(url);
        config.bus_secret = Some(BUS_SECRET.to_owned());
    })
    .await
}

/// How many bus lag samples `/metrics` holds.
async fn lag_samples(server: &TestServer) -> u64 {
    let url = format!("http://{}/metrics", server.server.metrics_addr());
    let text = server
        .http
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix("pianorhythm_bus_lag_seconds_count "))
        .map_or(0, |count| count.trim().parse().unwrap())
}

/// Waits (up to `within`) until `check` holds.
async fn eventually<F: std::future::Future<Output = bool>>(
    within: Duration,
    mut check: impl FnMut() -> F,
) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

async fn ready(server: &TestServer) -> bool {
    server.get("/ready").await.status().is_success()
}

#[tokio::test]
async fn the_bus_carries_messages_and_its_lag_is_measured() {
    let redis = RedisServer::start();
    let server = server_on(&redis).await;
    assert!(ready(&server).await);
    assert!(
        eventually(Duration::from_secs(10), || async {
            lag_samples(&server).await >= 2
        })
        .await
    );
}

#[tokio::test]
async fn redis_restarting_mid_session_turns_readiness_off_then_service_resumes() {
    let redis = RedisServer::start();
    let server = server_on(&redis).await;
    assert!(
        eventually(Duration::from_secs(10), || async {
            lag_samples(&server).await >= 1
        })
        .await
    );

    let port = redis.stop();
    assert!(eventually(Duration::from_secs(10), || async { !ready(&server).await }).await);
    // Players are unaffected meanwhile: the instance still serves its own rooms.
    let (_client, welcome) = server.connect().await;
    assert!(welcome.kind.is_some());

    let _redis = RedisServer::start_on(port);
    assert!(eventually(Duration::from_secs(15), || async { ready(&server).await }).await);
    let before = lag_samples(&server).await;
    assert!(
        eventually(Duration::from_secs(15), || async {
            lag_samples(&server).await > before + 1
        })
        .await,
        "probes flow again once Redis is back"
    );
}

/// Why a server on `redis_url` with `bus_secret` refuses to start.
async fn start_error(redis_url: String, bus_secret: Option<&str>) -> String {
    let data = tempfile::TempDir::new().unwrap();
    let site = tempfile::TempDir::new().unwrap();
    let mut config = server::config::Config::from_lookup(|name| match name {
        "LEPTOS_SITE_ADDR" | "METRICS_ADDR" => Some("127.0.0.1:0".to_owned()),
        "LEPTOS_SITE_ROOT" => Some(site.path().to_string_lossy().into_owned()),
        "DATA_DIR" => Some(data.path().to_string_lossy().into_owned()),
        _ => None,
    })
    .unwrap();
    config.redis_url = Some(redis_url);
    config.bus_secret = bus_secret.map(str::to_owned);
    server::start(config)
        .await
        .err()
        .expect("the server started")
        .to_string()
}

#[tokio::test]
async fn a_server_whose_redis_is_away_does_not_start() {
    let port = RedisServer::start().stop();
    let url = RedisServer::url_at(([127, 0, 0, 1], port).into());
    let error = start_error(url, Some(BUS_SECRET)).await;
    assert!(error.contains("REDIS_URL"), "{error}");
}

#[tokio::test]
async fn a_server_with_redis_but_no_bus_secret_does_not_start() {
    let redis = RedisServer::start();
    let error = start_error(redis.url(), None).await;
    assert!(error.contains("BUS_SECRET"), "{error}");
    let error = start_error(redis.url(), Some("short")).await;
    assert!(error.contains("BUS_SECRET"), "{error}");
}

/// Redis refuses whoever does not log in; a server without the credentials does not start,
/// and one with them works (every other test on [`RedisServer`] uses them).
#[tokio::test]
async fn redis_refuses_clients_without_credentials() {
    let redis = RedisServer::start();
    let client = redis::Client::open(redis.url_without_credentials()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let refused = redis::cmd("PING")
        .query_async::<String>(&mut connection)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("NOAUTH"), "{refused}");

    let error = start_error(redis.url_without_credentials(), Some(BUS_SECRET)).await;
    assert!(error.contains("REDIS_URL"), "{error}");

    let server = server_on(&redis).await;
    assert!(ready(&server).await);
}

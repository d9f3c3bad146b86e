//! The bus between instances (Redis, `REDIS_URL`): a real `redis-server`, the path from
//! publishing to receiving measured, readiness following Redis, and service resuming when
//! Redis restarts mid-session.

mod common;
mod support {
    pub mod redis;
}

use std::time::Duration;

use common::TestServer;
use support::redis::RedisServer;

async fn server_on(redis: &RedisServer) -> TestServer {
    let url = redis.url();
    TestServer::start_ready_with(move |config| config.redis_url = Some(url)).await
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

#[tokio::test]
async fn a_server_whose_redis_is_away_does_not_start() {
    let port = RedisServer::start().stop();
    let data = tempfile::TempDir::new().unwrap();
    let site = tempfile::TempDir::new().unwrap();
    let mut config = server::config::Config::from_lookup(|name| match name {
        "LEPTOS_SITE_ADDR" | "METRICS_ADDR" => Some("127.0.0.1:0".to_owned()),
        "LEPTOS_SITE_ROOT" => Some(site.path().to_string_lossy().into_owned()),
        "DATA_DIR" => Some(data.path().to_string_lossy().into_owned()),
        _ => None,
    })
    .unwrap();
    config.redis_url = Some(format!("redis://127.0.0.1:{port}"));
    let error = server::start(config)
        .await
        .err()
        .expect("no Redis, no start");
    assert!(error.to_string().contains("REDIS_URL"), "{error}");
}

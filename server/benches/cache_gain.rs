//! Whether a cache in front of the store would pay: the latency of the read every signed-in
//! request and connection makes (an account by id) from each store, next to the same account
//! read back from Redis as JSON (a cache hit, as the seeds' CacheService would serve it).
//!
//! `cargo bench -p server --bench cache_gain` (needs SecantusDB and redis-server:
//! scripts/setup.sh --test). Prints p50 and p99 in µs. A benchmark, not a test: it asserts
//! nothing about speed; compare the rows within one run.

#[path = "../tests/support/redis.rs"]
mod redis_server;

use hdrhistogram::Histogram;
use pianorhythm_core::domain::user::{NewUser, User};
use pianorhythm_store::{Store, StoreConfig};
use pianorhythm_test_support::{bench::measure, secantus};
use redis::AsyncCommands;
use tempfile::TempDir;

const USERS: usize = 1_000;
const SAMPLES: usize = 5_000;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = TempDir::new().unwrap();
        let redis_server = redis_server::RedisServer::start();
        let client = redis::Client::open(redis_server.url()).unwrap();
        let redis = client.get_connection_manager().await.unwrap();
        let mongo_server = secantus::Secantus::start(&dir.path().join("mongo"));
        let backends = [
            (
                "sqlite",
                StoreConfig::Embedded {
                    data_dir: dir.path().join("sqlite"),
                },
            ),
            (
                "mongodb",
                StoreConfig::MongoDb {
                    uri: mongo_server.uri.clone(),
                    database: "bench".into(),
                },
            ),
        ];
        println!("{:<40} {:>10} {:>10}", "read", "p50 µs", "p99 µs");
        let mut cached_ids = Vec::new();
        for (name, config) in backends {
            let store = Store::open(&config).await.unwrap();
            let ids = fill(&store).await;
            let histogram = measure(SAMPLES, |i| {
                let id = ids[i * 7919 % ids.len()].clone();
                let store = &store;
                async move { store.users.get(&id).await.unwrap() }
            })
            .await;
            report(&format!("account by id, {name}"), &histogram);
            if cached_ids.is_empty() {
                for id in &ids {
                    let user = store.users.get(id).await.unwrap();
                    let _: () = redis.clone().set(key(id), as_json(&user)).await.unwrap();
                }
                cached_ids = ids;
            }
        }
        let histogram = measure(SAMPLES, |i| {
            let id = &cached_ids[i * 7919 % cached_ids.len()];
            let mut redis = redis.clone();
            async move {
                let bytes: Vec<u8> = redis.get(key(id)).await.unwrap();
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
            }
        })
        .await;
        report("account by id, Redis cache hit", &histogram);
    });
}

fn key(id: &str) -> String {
    format!("pianorhythm:cache:user:{id}")
}

/// The account as a cache would keep it.
fn as_json(user: &User) -> String {
    serde_json::json!({
        "id": user.id,
        "username": user.username,
        "usertag": user.usertag,
        "email": user.email,
        "roles": user.roles.iter().map(|role| role.as_str()).collect::<Vec<_>>(),
        "color": user.color,
        "avatarUrl": user.avatar_url,
        "bio": user.bio,
        "location": user.location,
        "bannedUntil": user.banned_until,
        "createdAt": user.created_at,
        "updatedAt": user.updated_at,
    })
    .to_string()
}

fn report(read: &str, histogram: &Histogram<u64>) {
    println!(
        "{read:<40} {:>10} {:>10}",
        histogram.value_at_quantile(0.5),
        histogram.value_at_quantile(0.99)
    );
}

async fn fill(store: &Store) -> Vec<String> {
    let mut ids = Vec::with_capacity(USERS);
    for n in 0..USERS {
        let user = store
            .users
            .create(NewUser {
                username: format!("Player {n}"),
                usertag: format!("player_{n}"),
                email: Some(format!("player{n}@example.org")),
                color: "#336699".into(),
            })
            .await
            .unwrap();
        ids.push(user.id);
    }
    ids
}

//! Liveness (`/health`: the process answers) and readiness (`/ready`: it can serve players).

use std::{path::PathBuf, sync::Arc, time::Duration};

use axum::{extract::State, Json};
use pianorhythm_engine::{rooms::Cluster, shutdown::Shutdown};
use pianorhythm_store::ports::Health;
use serde_json::{json, Value};

use crate::error::ApiError;

/// A store slower than this to answer a ping counts as unusable.
const STORE_PING_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn ready(State(readiness): State<Readiness>) -> Result<Json<Value>, ApiError> {
    readiness.check().await?;
    Ok(Json(json!({ "status": "ready" })))
}

/// The dependencies without which players would get a broken app.
#[derive(Clone)]
pub struct Readiness {
    /// The compiled client: without it pages render but never come alive.
    pub client_bundle: PathBuf,
    pub shutdown: Shutdown,
    /// Without a usable store nothing a player does could be kept.
    pub store: Arc<dyn Health>,
    /// The link to the other instances (always there for one alone): without it players on
    /// different instances would not hear each other.
    pub cluster: Arc<dyn Cluster>,
}

impl Readiness {
    pub async fn check(&self) -> Result<(), ApiError> {
        // The answer says what is wrong in words; paths and driver errors only go to the log.
        if self.shutdown.is_cancelled() {
            return Err(ApiError::NotReady("the server is shutting down".into()));
        }
        if !self.client_bundle.is_file() {
            let bundle = self.client_bundle.display();
            tracing::warn!(%bundle, "not ready: client bundle missing; run scripts/build.sh");
            return Err(ApiError::NotReady("the client bundle is not built".into()));
        }
        if let Err(error) = self.cluster.reachable().await {
            tracing::warn!(%error, "not ready: the bus (Redis) failed a ping");
            return Err(ApiError::NotReady(
                "the bus between instances is away".into(),
            ));
        }
        match tokio::time::timeout(STORE_PING_TIMEOUT, self.store.ping()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => {
                tracing::warn!(%error, "not ready: the store failed a ping");
                Err(ApiError::NotReady("the store is not usable".into()))
            }
            Err(_) => {
                tracing::warn!(timeout = ?STORE_PING_TIMEOUT, "not ready: the store does not answer");
                Err(ApiError::NotReady("the store does not answer".into()))
            }
        }
    }
}

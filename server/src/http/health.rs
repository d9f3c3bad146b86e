//! Liveness (`/health`: the process answers) and readiness (`/ready`: it can serve players).

use std::{path::PathBuf, sync::Arc, time::Duration};

use axum::{extract::State, Json};
use serde_json::{json, Value};

use crate::{error::ApiError, shutdown::Shutdown, store::ports::Health};

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
}

impl Readiness {
    pub async fn check(&self) -> Result<(), ApiError> {
        if self.shutdown.is_cancelled() {
            return Err(ApiError::NotReady("shutting down".into()));
        }
        if !self.client_bundle.is_file() {
            return Err(ApiError::NotReady(format!(
                "client bundle missing at {}; run scripts/build.sh",
                self.client_bundle.display()
            )));
        }
        match tokio::time::timeout(STORE_PING_TIMEOUT, self.store.ping()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(ApiError::NotReady(error.to_string())),
            Err(_) => Err(ApiError::NotReady("the store does not answer".into())),
        }
    }
}

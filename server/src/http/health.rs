//! Liveness (`/health`: the process answers) and readiness (`/ready`: it can serve players).

use std::path::PathBuf;

use axum::{extract::State, Json};
use serde_json::{json, Value};

use crate::{error::ApiError, shutdown::Shutdown};

pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn ready(State(readiness): State<Readiness>) -> Result<Json<Value>, ApiError> {
    readiness.check()?;
    Ok(Json(json!({ "status": "ready" })))
}

/// The dependencies without which players would get a broken app.
#[derive(Clone, Debug)]
pub struct Readiness {
    /// The compiled client: without it pages render but never come alive.
    pub client_bundle: PathBuf,
    pub shutdown: Shutdown,
}

impl Readiness {
    pub fn check(&self) -> Result<(), ApiError> {
        if self.shutdown.is_cancelled() {
            return Err(ApiError::NotReady("shutting down".into()));
        }
        if !self.client_bundle.is_file() {
            return Err(ApiError::NotReady(format!(
                "client bundle missing at {}; run scripts/build.sh",
                self.client_bundle.display()
            )));
        }
        Ok(())
    }
}

//! `/api/v1/reports`: any player reports another; moderators list reports and resolve or
//! dismiss them.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};
use pianorhythm_api::staff::{ReportForm, ReportView};
use pianorhythm_core::domain::report::ReportStatus;
use serde::Deserialize;

use crate::{accounts::Caller, error::ApiError, http::state::AppState, reports::Reports};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(report))
        .route("/{id}/resolve", post(resolve))
        .route("/{id}/dismiss", post(dismiss))
}

async fn report(
    State(reports): State<Reports>,
    caller: Caller,
    Json(form): Json<ReportForm>,
) -> Result<(StatusCode, Json<ReportView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(reports.report(&caller, form).await?),
    ))
}

#[derive(Deserialize)]
struct ListQuery {
    /// "open", "resolved", "dismissed" or "all" (the default).
    status: Option<String>,
    /// How many of the newest to pass over.
    #[serde(default)]
    skip: u64,
    /// How many at most (default 50, at most 200).
    limit: Option<u32>,
}

async fn list(
    State(reports): State<Reports>,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<ReportView>>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    let status = query.status.as_deref();
    Ok(Json(
        reports.list(&caller, status, query.skip, limit).await?,
    ))
}

async fn resolve(
    State(reports): State<Reports>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ReportView>, ApiError> {
    let closed = reports.close(&caller, &id, ReportStatus::Resolved).await?;
    Ok(Json(closed))
}

async fn dismiss(
    State(reports): State<Reports>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ReportView>, ApiError> {
    let closed = reports.close(&caller, &id, ReportStatus::Dismissed).await?;
    Ok(Json(closed))
}

//! `/api/v1/reports`: any player reports another; moderators list reports and resolve or
//! dismiss them.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use pianorhythm_api::staff::{ReportForm, ReportView};
use pianorhythm_core::domain::report::ReportStatus;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{JsonBody, QueryParams};
use crate::{accounts::Caller, error::ApiError, http::state::AppState, reports::Reports};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, report))
        .routes(routes!(resolve))
        .routes(routes!(dismiss))
}

/// Reports a player to the moderators, with the room's recent chat.
#[utoipa::path(
    post,
    path = "",
    tag = "moderation",
    request_body = ReportForm,
    security(("session" = []), ("bearer" = [])),
    responses((status = 201, description = "Reported", body = ReportView)),
)]
async fn report(
    State(reports): State<Reports>,
    caller: Caller,
    JsonBody(form): JsonBody<ReportForm>,
) -> Result<(StatusCode, Json<ReportView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(reports.report(&caller, form).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// "open", "resolved", "dismissed" or "all" (the default).
    status: Option<String>,
    /// How many of the newest to pass over.
    #[serde(default)]
    skip: u64,
    /// How many at most (default 50, at most 200).
    limit: Option<u32>,
}

/// Players' reports, newest first.
#[utoipa::path(
    get,
    path = "",
    tag = "moderation",
    params(ListQuery),
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    responses((status = 200, description = "The reports", body = Vec<ReportView>)),
)]
async fn list(
    State(reports): State<Reports>,
    caller: Caller,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Vec<ReportView>>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    let status = query.status.as_deref();
    Ok(Json(
        reports.list(&caller, status, query.skip, limit).await?,
    ))
}

/// Closes an open report as acted on.
#[utoipa::path(
    post,
    path = "/{id}/resolve",
    tag = "moderation",
    params(("id" = String, Path, description = "The report's id")),
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    responses((status = 200, description = "Resolved", body = ReportView)),
)]
async fn resolve(
    State(reports): State<Reports>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ReportView>, ApiError> {
    let closed = reports.close(&caller, &id, ReportStatus::Resolved).await?;
    Ok(Json(closed))
}

/// Closes an open report as needing nothing.
#[utoipa::path(
    post,
    path = "/{id}/dismiss",
    tag = "moderation",
    params(("id" = String, Path, description = "The report's id")),
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    responses((status = 200, description = "Dismissed", body = ReportView)),
)]
async fn dismiss(
    State(reports): State<Reports>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ReportView>, ApiError> {
    let closed = reports.close(&caller, &id, ReportStatus::Dismissed).await?;
    Ok(Json(closed))
}

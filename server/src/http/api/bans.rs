//! `/api/v1/bans`: the site bans in force, for moderators (lifting one is
//! `DELETE /api/v1/users/{id}/ban`).

use axum::{extract::State, Json};
use pianorhythm_api::staff::BanView;
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::QueryParams;
use crate::{
    accounts::{Accounts, Caller},
    error::ApiError,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BansParams {
    /// How many of the newest to pass over.
    #[serde(default)]
    skip: u64,
    /// How many at most (default 50, at most 200).
    limit: Option<u32>,
}

/// The site bans in force, newest first.
#[utoipa::path(
    get,
    path = "/bans",
    tag = "moderation",
    params(BansParams),
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    responses((status = 200, description = "The bans in force", body = Vec<BanView>)),
)]
pub async fn in_force(
    State(accounts): State<Accounts>,
    caller: Caller,
    QueryParams(params): QueryParams<BansParams>,
) -> Result<Json<Vec<BanView>>, ApiError> {
    let limit = params.limit.unwrap_or(50);
    Ok(Json(accounts.ban_views(&caller, params.skip, limit).await?))
}

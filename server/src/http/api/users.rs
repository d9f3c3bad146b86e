//! `/api/v1/users`: one's profile and settings, public profiles, and staff's role changes
//! and site bans.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use pianorhythm_api::account::{Profile, ProfileForm, Settings};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::JsonBody;
use crate::{
    accounts::{Accounts, Caller},
    error::ApiError,
    http::state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(profile, update_profile))
        .routes(routes!(settings, update_settings))
        .routes(routes!(public_profile))
        .routes(routes!(set_roles))
        .routes(routes!(ban, lift_ban))
}

/// The caller's own profile.
#[utoipa::path(
    get,
    path = "/profile",
    tag = "users",
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "The profile", body = Profile)),
)]
async fn profile(
    State(accounts): State<Accounts>,
    caller: Caller,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(accounts.own_profile(&caller).await?))
}

/// A profile change; fields left out keep their value.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ProfileChange {
    /// The name shown to others.
    username: Option<String>,
    /// The player's colour, `#rrggbb`.
    color: Option<String>,
    /// A few words about the player.
    bio: Option<String>,
    /// An `https` image from an allowed host.
    avatar_url: Option<String>,
    /// Where the player is, in their words.
    location: Option<String>,
}

/// Changes the caller's profile; fields left out keep their value.
#[utoipa::path(
    put,
    path = "/profile",
    tag = "users",
    request_body = ProfileChange,
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "The profile as changed", body = Profile)),
)]
async fn update_profile(
    State(accounts): State<Accounts>,
    caller: Caller,
    JsonBody(change): JsonBody<ProfileChange>,
) -> Result<Json<Profile>, ApiError> {
    let current = accounts.own_profile(&caller).await?;
    let form = ProfileForm {
        username: change.username.unwrap_or(current.username),
        color: change.color.unwrap_or(current.color),
        bio: change.bio.or(current.bio).unwrap_or_default(),
        avatar_url: change.avatar_url.or(current.avatar_url).unwrap_or_default(),
        location: change.location.or(current.location).unwrap_or_default(),
    };
    match accounts.update_profile(&caller, form).await? {
        Ok(profile) => Ok(Json(profile)),
        Err(errors) => Err(first_invalid(errors)),
    }
}

/// The caller's settings.
#[utoipa::path(
    get,
    path = "/settings",
    tag = "users",
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "The settings", body = Settings)),
)]
async fn settings(
    State(accounts): State<Accounts>,
    caller: Caller,
) -> Result<Json<Settings>, ApiError> {
    Ok(Json(accounts.settings(&caller).await?))
}

/// Replaces the caller's settings.
#[utoipa::path(
    put,
    path = "/settings",
    tag = "users",
    request_body = Settings,
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "The settings as stored", body = Settings)),
)]
async fn update_settings(
    State(accounts): State<Accounts>,
    caller: Caller,
    JsonBody(settings): JsonBody<Settings>,
) -> Result<Json<Settings>, ApiError> {
    match accounts.update_settings(&caller, settings).await? {
        Ok(settings) => Ok(Json(settings)),
        Err(errors) => Err(first_invalid(errors)),
    }
}

/// A profile by usertag or account id, as the caller may see it.
#[utoipa::path(
    get,
    path = "/{id}",
    tag = "users",
    params(("id" = String, Path, description = "A usertag or an account id")),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The profile", body = Profile)),
)]
async fn public_profile(
    State(accounts): State<Accounts>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(accounts.public_profile(&caller, &id).await?))
}

#[derive(Deserialize, ToSchema)]
struct Roles {
    /// The account's roles from now on: `member`, `moderator`, `admin`.
    roles: Vec<String>,
}

/// Sets an account's roles.
#[utoipa::path(
    put,
    path = "/{id}/roles",
    tag = "users",
    params(("id" = String, Path, description = "A usertag or an account id")),
    request_body = Roles,
    security(("session" = ["admin"]), ("bearer" = ["admin"])),
    responses((status = 200, description = "The profile with its new roles", body = Profile)),
)]
async fn set_roles(
    State(accounts): State<Accounts>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(roles): JsonBody<Roles>,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(accounts.set_roles(&caller, &id, &roles.roles).await?))
}

/// A site ban as the API takes it: a number of seconds, or permanent.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct Ban {
    /// How long, when not permanent (1 s to ten years).
    #[serde(default)]
    duration_seconds: u64,
    /// A ban that lasts until lifted; `durationSeconds` is then not read.
    #[serde(default)]
    permanent: bool,
    /// Why, shown to staff with the bans in force (0 to 500 characters).
    #[serde(default)]
    reason: String,
}

/// Bans an account from the site, for a time or until lifted.
#[utoipa::path(
    put,
    path = "/{id}/ban",
    tag = "users",
    params(("id" = String, Path, description = "A usertag or an account id")),
    request_body = Ban,
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    responses((status = 204, description = "Banned")),
)]
async fn ban(
    State(accounts): State<Accounts>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(ban): JsonBody<Ban>,
) -> Result<StatusCode, ApiError> {
    let length = Accounts::asked_ban_length(ban.duration_seconds, ban.permanent)?;
    accounts
        .site_ban(&caller, &id, Some(length), &ban.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lifts an account's site ban.
#[utoipa::path(
    delete,
    path = "/{id}/ban",
    tag = "users",
    params(("id" = String, Path, description = "A usertag or an account id")),
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    responses((status = 204, description = "Lifted")),
)]
async fn lift_ban(
    State(accounts): State<Accounts>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    accounts.site_ban(&caller, &id, None, "").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The first field error as the API's error (the form pages show them all).
fn first_invalid(errors: Vec<pianorhythm_api::account::FieldError>) -> ApiError {
    let first = errors.into_iter().next();
    let (field, message) = first.map_or(("form", String::new()), |error| {
        (field_name(&error.field), error.message)
    });
    ApiError::Invalid { field, message }
}

/// The field names forms use, as `'static` for the error body.
fn field_name(field: &str) -> &'static str {
    match field {
        "username" => "username",
        "color" => "color",
        "bio" => "bio",
        "avatarUrl" => "avatarUrl",
        "location" => "location",
        "theme" => "theme",
        "privacy" => "privacy",
        "reason" => "reason",
        _ => "form",
    }
}

//! `/api/v1/users`: one's profile and settings, public profiles, and staff's role changes
//! and site bans.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    routing::{get, put},
    Json, Router,
};
use pianorhythm_api::account::{Profile, ProfileForm, Settings};
use serde::Deserialize;

use crate::{
    accounts::{Accounts, Caller},
    error::ApiError,
    http::state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/profile", get(profile).put(update_profile))
        .route("/settings", get(settings).put(update_settings))
        .route("/{id}", get(public_profile))
        .route("/{id}/roles", put(set_roles))
        .route("/{id}/ban", put(ban).delete(lift_ban))
}

async fn profile(
    State(accounts): State<Accounts>,
    caller: Caller,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(accounts.own_profile(&caller).await?))
}

/// A profile change; fields left out keep their value.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileChange {
    username: Option<String>,
    color: Option<String>,
    bio: Option<String>,
    avatar_url: Option<String>,
    location: Option<String>,
}

async fn update_profile(
    State(accounts): State<Accounts>,
    caller: Caller,
    Json(change): Json<ProfileChange>,
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

async fn settings(
    State(accounts): State<Accounts>,
    caller: Caller,
) -> Result<Json<Settings>, ApiError> {
    Ok(Json(accounts.settings(&caller).await?))
}

async fn update_settings(
    State(accounts): State<Accounts>,
    caller: Caller,
    Json(settings): Json<Settings>,
) -> Result<Json<Settings>, ApiError> {
    match accounts.update_settings(&caller, settings).await? {
        Ok(settings) => Ok(Json(settings)),
        Err(errors) => Err(first_invalid(errors)),
    }
}

/// A profile by usertag or account id, as the caller may see it.
async fn public_profile(
    State(accounts): State<Accounts>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(accounts.public_profile(&caller, &id).await?))
}

#[derive(Deserialize)]
struct Roles {
    roles: Vec<String>,
}

async fn set_roles(
    State(accounts): State<Accounts>,
    caller: Caller,
    Path(id): Path<String>,
    Json(roles): Json<Roles>,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(accounts.set_roles(&caller, &id, &roles.roles).await?))
}

/// A site ban as the API takes it: a number of seconds, or permanent.
#[derive(Deserialize)]
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

async fn ban(
    State(accounts): State<Accounts>,
    caller: Caller,
    Path(id): Path<String>,
    Json(ban): Json<Ban>,
) -> Result<StatusCode, ApiError> {
    let length = Accounts::asked_ban_length(ban.duration_seconds, ban.permanent)?;
    accounts
        .site_ban(&caller, &id, Some(length), &ban.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

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

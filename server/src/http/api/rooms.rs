//! `/api/v1/rooms`: the rooms being played in, and the seed's room routes: creating a room,
//! a ticket into one (which `/ws?v=1&ticket=` accepts), and leaving one. The same rules and
//! allowances as over the WebSocket (`crate::rooms`).

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use pianorhythm_api::rooms::{CreateRoomForm, JoinRoomForm, RoomTicket};
use pianorhythm_core::rooms::RoomSummary;
use pianorhythm_engine::rooms::Registry;
use std::sync::Arc;
use tower_sessions::Session;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::JsonBody;
use crate::{accounts::Caller, error::ApiError, http::state::AppState, rooms::RoomService};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(active))
        .routes(routes!(create))
        .routes(routes!(join))
        .routes(routes!(leave))
}

/// One room of the list (`pianorhythm_core::rooms::RoomSummary`, a protocol message, as JSON).
#[derive(ToSchema)]
#[schema(as = RoomSummary)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct RoomSummaryJson {
    /// The room's id, used in its address.
    id: String,
    /// The room's name as shown.
    name: String,
    /// Players in it now.
    player_count: u32,
    /// How many players it holds.
    max_players: u32,
    /// Whether joining asks for a password.
    has_password: bool,
    /// The owner's display name; absent for the Lobby and rooms whose owner is away.
    owner: Option<String>,
    /// When the room was first created, Unix ms; 0 when not known.
    created_at: i64,
    /// Who is playing: the first few players (at most 5), longest there first.
    players: Vec<RoomPlayerJson>,
}

/// A player as a room's line shows them.
#[derive(ToSchema)]
#[schema(as = RoomPlayer)]
#[allow(dead_code)]
struct RoomPlayerJson {
    /// The name shown in the room.
    name: String,
    /// Their colour, `#rrggbb`.
    color: String,
}

/// The public rooms with their player counts, the Lobby first.
#[utoipa::path(
    get,
    path = "/active",
    tag = "rooms",
    responses((status = 200, description = "The public rooms", body = Vec<RoomSummaryJson>)),
)]
async fn active(State(registry): State<Arc<Registry>>) -> Json<Vec<RoomSummary>> {
    Json(registry.public_rooms())
}

/// Creates a room owned by the caller, under the rules of creating one over the WebSocket
/// (name, password, capacity, and the caller's allowance of rooms). The caller is not in it
/// until they join it.
#[utoipa::path(
    post,
    path = "/create",
    tag = "rooms",
    request_body = CreateRoomForm,
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "Created, as the room list shows it", body = RoomSummaryJson),
        (status = 409, description = "A live room has that name, or the caller has as many rooms open as allowed"),
    ),
)]
async fn create(
    State(rooms): State<RoomService>,
    caller: Caller,
    JsonBody(form): JsonBody<CreateRoomForm>,
) -> Result<(StatusCode, Json<RoomSummary>), ApiError> {
    let room = rooms.create(&caller, form.into_settings()).await?;
    Ok((StatusCode::CREATED, Json(room)))
}

/// A ticket into a room for the caller, if the room lets them in now: its password, bans
/// and capacity. Opening `/ws?v=1&ticket=<ticket>` as the same caller (session cookie or
/// bearer token) within `expiresIn` seconds enters the room.
#[utoipa::path(
    post,
    path = "/{id}/join",
    tag = "rooms",
    params(("id" = String, Path, description = "The room's id (or its name)")),
    request_body = JoinRoomForm,
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "A ticket into the room", body = RoomTicket),
        (status = 403, description = "Wrong password, or banned from the room"),
        (status = 404, description = "No such room (or a private room and a wrong password)"),
        (status = 409, description = "The room is full"),
    ),
)]
async fn join(
    State(rooms): State<RoomService>,
    caller: Caller,
    session: Session,
    Path(id): Path<String>,
    JsonBody(form): JsonBody<JoinRoomForm>,
) -> Result<Json<RoomTicket>, ApiError> {
    let issued = rooms.ticket(&caller, &session, &id, form.password).await?;
    Ok(Json(RoomTicket {
        ticket: issued.ticket,
        expires_in: issued.expires_in,
    }))
}

/// Takes every connection of the caller, on every instance, out of the room.
#[utoipa::path(
    post,
    path = "/{id}/leave",
    tag = "rooms",
    params(("id" = String, Path, description = "The room's id (or its name)")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "The caller's connections leave the room"),
        (status = 404, description = "No such room"),
    ),
)]
async fn leave(
    State(rooms): State<RoomService>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    rooms.leave(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

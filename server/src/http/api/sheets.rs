//! `/api/v1/sheet_music`: upload, search, favourites, downloads, edits and deletion.

use axum::{
    extract::{Multipart, Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use pianorhythm_api::sheets::{FavoriteState, SheetDetail, SheetQuery, SheetResults, SheetSummary};
use pianorhythm_core::domain::sheet_music::SheetUpdate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{JsonBody, QueryParams};
use crate::{
    accounts::Caller,
    error::ApiError,
    http::state::AppState,
    service_error::ServiceError,
    sheets::{
        library::{difficulty, split_tags},
        SheetLibrary,
    },
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(search))
        .routes(routes!(detail, edit, delete))
        .routes(routes!(favorite, unfavorite))
        .routes(routes!(download))
}

/// The upload form's fields.
#[derive(ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// The sheet's title.
    title: String,
    /// One of the library's categories.
    category: String,
    /// `beginner`, `intermediate`, `advanced` or `expert`.
    difficulty: String,
    /// Comma-separated.
    tags: Option<String>,
    /// A MIDI file or a sheet in one of the formats the library reads.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// `multipart/form-data` with `title`, `category`, `difficulty`, `tags` and `file`.
#[utoipa::path(
    post,
    path = "/upload",
    tag = "sheet_music",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 201, description = "Uploaded", body = SheetSummary)),
)]
async fn upload(
    State(library): State<SheetLibrary>,
    caller: Caller,
    mut form: Multipart,
) -> Result<(StatusCode, Json<SheetSummary>), ApiError> {
    let mut upload = pianorhythm_api::services::UploadFields::default();
    while let Some(part) = form.next_field().await.map_err(bad_form)? {
        let name = part.name().unwrap_or_default().to_owned();
        if name == "file" {
            upload.file_name = part.file_name().unwrap_or_default().to_owned();
            upload.file = part.bytes().await.map_err(bad_form)?.to_vec();
            continue;
        }
        upload.set(&name, part.text().await.map_err(bad_form)?);
    }
    let sheet = library.upload(&caller, upload).await?;
    Ok((StatusCode::CREATED, Json(sheet)))
}

fn bad_form(error: axum::extract::multipart::MultipartError) -> ApiError {
    ApiError::BadRequest(format!(
        "the upload form is malformed: {}",
        error.body_text()
    ))
}

/// Sheets by words, category, difficulty and tags, a page at a time.
#[utoipa::path(
    post,
    path = "/search",
    tag = "sheet_music",
    request_body = SheetQuery,
    responses((status = 200, description = "The matching sheets", body = SheetResults)),
)]
async fn search(
    State(library): State<SheetLibrary>,
    JsonBody(query): JsonBody<SheetQuery>,
) -> Result<Json<SheetResults>, ApiError> {
    Ok(Json(library.search(&query).await?))
}

/// The sheet with its notes, serialised by the library off the async workers.
#[utoipa::path(
    get,
    path = "/{id}",
    tag = "sheet_music",
    params(("id" = String, Path, description = "The sheet's id")),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The sheet and its notes", body = SheetDetail)),
)]
async fn detail(
    State(library): State<SheetLibrary>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let json = library.detail_json(&caller, &id).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// What an edit may change; fields left out keep their value.
#[derive(Deserialize, ToSchema)]
struct SheetChange {
    /// The sheet's title.
    title: Option<String>,
    /// Comma-separated, as in the upload form, or a list.
    tags: Option<Tags>,
    /// One of the library's categories.
    category: Option<String>,
    /// `beginner`, `intermediate`, `advanced` or `expert`.
    difficulty: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
enum Tags {
    Text(String),
    List(Vec<String>),
}

/// Changes a sheet's details: its uploader, or a moderator.
#[utoipa::path(
    put,
    path = "/{id}",
    tag = "sheet_music",
    params(("id" = String, Path, description = "The sheet's id")),
    request_body = SheetChange,
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "The sheet as changed", body = SheetSummary)),
)]
async fn edit(
    State(library): State<SheetLibrary>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<SheetChange>,
) -> Result<Json<SheetSummary>, ApiError> {
    let update = SheetUpdate {
        title: change.title,
        tags: change.tags.map(|tags| match tags {
            Tags::Text(text) => split_tags(&text),
            Tags::List(list) => list,
        }),
        category: change.category,
        difficulty: change.difficulty.as_deref().map(difficulty).transpose()?,
    };
    Ok(Json(library.edit(&caller, &id, update).await?))
}

/// Deletes a sheet: its uploader, or a moderator.
#[utoipa::path(
    delete,
    path = "/{id}",
    tag = "sheet_music",
    params(("id" = String, Path, description = "The sheet's id")),
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 204, description = "Deleted")),
)]
async fn delete(
    State(library): State<SheetLibrary>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    library.delete(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a sheet to the caller's favourites.
#[utoipa::path(
    post,
    path = "/{id}/favorite",
    tag = "sheet_music",
    params(("id" = String, Path, description = "The sheet's id")),
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "Favourited", body = FavoriteState)),
)]
async fn favorite(
    State(library): State<SheetLibrary>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<FavoriteState>, ApiError> {
    Ok(Json(library.favorite(&caller, &id, true).await?))
}

/// Takes a sheet out of the caller's favourites.
#[utoipa::path(
    delete,
    path = "/{id}/favorite",
    tag = "sheet_music",
    params(("id" = String, Path, description = "The sheet's id")),
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "No longer a favourite", body = FavoriteState)),
)]
async fn unfavorite(
    State(library): State<SheetLibrary>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<FavoriteState>, ApiError> {
    Ok(Json(library.favorite(&caller, &id, false).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DownloadParams {
    /// `midi` for the sheet as a MIDI file.
    format: Option<String>,
}

/// The sheet's file as uploaded, or as a MIDI file.
#[utoipa::path(
    get,
    path = "/{id}/download",
    tag = "sheet_music",
    params(("id" = String, Path, description = "The sheet's id"), DownloadParams),
    responses((status = 200, description = "The file, as an attachment", content_type = "application/octet-stream")),
)]
async fn download(
    State(library): State<SheetLibrary>,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<DownloadParams>,
) -> Result<Response, ApiError> {
    let as_midi = match params.format.as_deref() {
        None => false,
        Some("midi") => true,
        Some(_) => {
            return Err(ServiceError::field("format", "the only other format is midi").into())
        }
    };
    let file = library.download(&id, as_midi).await?;
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(&file.file_name, percent_encoding::NON_ALPHANUMERIC)
    );
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file.bytes,
    )
        .into_response())
}

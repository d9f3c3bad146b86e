//! `/api/v1/sheet_music`: upload, search, favourites, downloads, edits and deletion.

use axum::{
    extract::{Multipart, Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use pianorhythm_api::sheets::{FavoriteState, SheetQuery, SheetResults, SheetSummary};
use pianorhythm_core::domain::sheet_music::SheetUpdate;
use serde::Deserialize;

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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/upload", post(upload))
        .route("/search", post(search))
        .route("/{id}", get(detail).put(edit).delete(delete))
        .route("/{id}/favorite", post(favorite).delete(unfavorite))
        .route("/{id}/download", get(download))
}

/// `multipart/form-data` with `title`, `category`, `difficulty`, `tags` and `file`.
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

async fn search(
    State(library): State<SheetLibrary>,
    Json(query): Json<SheetQuery>,
) -> Result<Json<SheetResults>, ApiError> {
    Ok(Json(library.search(&query).await?))
}

/// The sheet with its notes, serialised by the library off the async workers.
async fn detail(
    State(library): State<SheetLibrary>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let json = library.detail_json(&caller, &id).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// What an edit may change; fields left out keep their value.
#[derive(Deserialize)]
struct SheetChange {
    title: Option<String>,
    /// Comma-separated, as in the upload form, or a list.
    tags: Option<Tags>,
    category: Option<String>,
    difficulty: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Tags {
    Text(String),
    List(Vec<String>),
}

async fn edit(
    State(library): State<SheetLibrary>,
    caller: Caller,
    Path(id): Path<String>,
    Json(change): Json<SheetChange>,
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

async fn delete(
    State(library): State<SheetLibrary>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    library.delete(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn favorite(
    State(library): State<SheetLibrary>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<FavoriteState>, ApiError> {
    Ok(Json(library.favorite(&caller, &id, true).await?))
}

async fn unfavorite(
    State(library): State<SheetLibrary>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<FavoriteState>, ApiError> {
    Ok(Json(library.favorite(&caller, &id, false).await?))
}

#[derive(Deserialize)]
struct DownloadParams {
    /// `midi` for the sheet as a MIDI file.
    format: Option<String>,
}

async fn download(
    State(library): State<SheetLibrary>,
    Path(id): Path<String>,
    Query(params): Query<DownloadParams>,
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

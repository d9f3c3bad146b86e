//! Sheet music uploads are read only for those who may share sheets: a guest's upload (up to
//! a megabyte) is refused with 401 from its headers, before a byte of its body is read.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::Method,
    middleware::Next,
    response::{IntoResponse, Response},
};
use pianorhythm_engine::policy::Action;
use tower_sessions::Session;

use crate::{accounts::Accounts, error::ApiError};

/// Where sheet music is uploaded: the REST route and the page's server function.
const SHEET_UPLOADS: [&str; 2] = ["/api/v1/sheet_music/upload", "/api/upload_sheet"];

/// Refuses an upload its sender may not make, before its body is read.
pub async fn check(
    State(accounts): State<Accounts>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    let is_upload =
        request.method() == Method::POST && SHEET_UPLOADS.contains(&request.uri().path());
    if is_upload {
        let allowed = accounts
            .may(request.headers(), &session, peer.ip(), Action::ShareSheets)
            .await;
        if let Err(error) = allowed {
            return ApiError::from(error).into_response();
        }
    }
    next.run(request).await
}

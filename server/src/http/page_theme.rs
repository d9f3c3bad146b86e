//! The theme a page is drawn in, found before the page is rendered: the shell puts it on the
//! `<html>` element, so the page never flashes the other theme.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use tower_sessions::Session;

use crate::accounts::Accounts;

/// Server functions and the API answer no page.
const NOT_PAGES: &str = "/api/";

/// Puts the visitor's [`pianorhythm_api::account::Theme`] in the request's extensions, where
/// the page's shell reads it.
pub async fn find(
    State(accounts): State<Accounts>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with(NOT_PAGES) {
        let theme = accounts.theme(&session, request.headers()).await;
        request.extensions_mut().insert(theme);
    }
    next.run(request).await
}

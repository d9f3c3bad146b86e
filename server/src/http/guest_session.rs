//! A page visit starts the visitor's session: a guest gets their identity (and its cookie) with
//! the first page, before the page's client opens its socket and calls server functions, which
//! would otherwise each start a session of their own at the same moment.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use tower_sessions::Session;

use crate::accounts::Accounts;

/// Where server functions are answered: they find (or start) the caller's identity themselves.
const SERVER_FUNCTIONS: &str = "/api/";

/// Makes sure a page request's session has an identity (a guest's, if nobody is signed in).
pub async fn start(
    State(accounts): State<Accounts>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    // A session whose account cannot be read (a banned one, the store down) is left as it is:
    // the page itself says what is wrong.
    if !request.uri().path().starts_with(SERVER_FUNCTIONS) {
        let _ = accounts.identity(&session).await;
    }
    next.run(request).await
}

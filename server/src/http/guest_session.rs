//! A page visit starts the visitor's session: a guest gets their identity (and its cookie) with
//! the first page, before the page's client opens its socket and calls server functions, which
//! would otherwise each start a session of their own at the same moment.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use tower_sessions::Session;

use crate::accounts::{signed_in_account, Accounts};

/// Where server functions are answered: they find (or start) the caller's identity themselves.
const SERVER_FUNCTIONS: &str = "/api/";

/// Makes sure a page request's session has an identity (a guest's, if nobody is signed in).
pub async fn start(
    State(accounts): State<Accounts>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    // A signed-in session has its identity: reading the account here would only read it once
    // more (the page's theme has, and the page will). A session whose account cannot be read
    // (gone, banned, the store down) is left as it is: the page itself says what is wrong.
    let page = !request.uri().path().starts_with(SERVER_FUNCTIONS);
    if page && signed_in_account(&session).await.is_none() {
        let _ = accounts.identity(&session).await;
    }
    next.run(request).await
}

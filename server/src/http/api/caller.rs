//! The caller of an API request as an extractor: the account of a bearer token, else the
//! session's account or guest. A bad token is a 401, never a guest.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRef, FromRequestParts},
    http::request::Parts,
};
use tower_sessions::Session;

use crate::{
    accounts::{Accounts, Caller},
    error::ApiError,
    http::state::AppState,
};

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, message)| ApiError::NotReady(message.into()))?;
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotReady("the client's address is unknown".into()))?;
        let accounts = Accounts::from_ref(state);
        Ok(accounts.caller(&parts.headers, &session, peer.ip()).await?)
    }
}

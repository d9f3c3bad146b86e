//! `/api/v1/auth`: signing in through a provider and out, API tokens, the signing key.

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Json,
};
use pianorhythm_api::account::ProviderButton;
use serde::Deserialize;
use tower_cookies::Cookies;
use tower_sessions::Session;
use url::{form_urlencoded, Position, Url};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{JsonBody, QueryParams};
use crate::{
    accounts::{oauth::CallbackParams, Accounts, Caller, TokenPair},
    error::ApiError,
    http::state::AppState,
    service_error::ServiceError,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(providers))
        .routes(routes!(login))
        .routes(routes!(callback))
        .routes(routes!(choose_usertag))
        .routes(routes!(logout))
        .routes(routes!(token))
        .routes(routes!(jwks))
}

/// The sign-in providers configured, as the sign-in page shows them.
#[utoipa::path(
    get,
    path = "/providers",
    tag = "auth",
    responses((status = 200, description = "The providers", body = Vec<ProviderButton>)),
)]
async fn providers(State(accounts): State<Accounts>) -> Json<Vec<ProviderButton>> {
    Json(accounts.provider_buttons())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LoginParams {
    /// The provider's id (`GET /auth/providers`).
    provider: String,
    /// The page to come back to; else the page the player came from (`Referer`).
    return_to: Option<String>,
}

/// Starts signing in: off to the provider, with state and PKCE kept in a cookie of their own.
#[utoipa::path(
    get,
    path = "/login",
    tag = "auth",
    params(LoginParams),
    responses((status = 303, description = "To the provider's sign-in page")),
)]
async fn login(
    State(accounts): State<Accounts>,
    cookies: Cookies,
    headers: HeaderMap,
    QueryParams(params): QueryParams<LoginParams>,
) -> Result<Redirect, ApiError> {
    let return_to = params.return_to.or_else(|| same_site_referer(&headers));
    let url = accounts.start_sign_in(&cookies, &params.provider, return_to.as_deref())?;
    Ok(Redirect::to(&url))
}

/// The path (and query) of the `Referer`, if it is this site's: browsers send the origin and
/// path, and the origin's host and port must be the request's `Host`.
fn same_site_referer(headers: &HeaderMap) -> Option<String> {
    let referer = Url::parse(headers.get(header::REFERER)?.to_str().ok()?).ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let ours = matches!(referer.scheme(), "http" | "https")
        && referer[Position::BeforeHost..Position::AfterPort].eq_ignore_ascii_case(host);
    ours.then(|| referer[Position::BeforePath..].to_owned())
}

/// The provider's answer. Success goes back to where the player came from (or to choose a
/// usertag); any failure to the sign-in page, which says what went wrong.
#[utoipa::path(
    get,
    path = "/callback/{provider}",
    tag = "auth",
    params(
        ("provider" = String, Path, description = "The provider's id"),
        ("code" = Option<String>, Query, description = "The authorization code, on success"),
        ("state" = Option<String>, Query, description = "The `state` sent, echoed back"),
        ("error" = Option<String>, Query, description = "The provider's error code, on failure"),
        ("error_description" = Option<String>, Query, description = "The provider's words about the error"),
    ),
    responses((status = 303, description = "Back to the page signing in started from, to choose a usertag, or to `/signin?error=...`")),
)]
async fn callback(
    State(accounts): State<Accounts>,
    session: Session,
    cookies: Cookies,
    Path(provider): Path<String>,
    QueryParams(params): QueryParams<CallbackParams>,
) -> Redirect {
    match accounts
        .finish_sign_in(&session, &cookies, &provider, params)
        .await
    {
        Ok(next) => Redirect::to(&next),
        Err(error) => {
            tracing::info!(%error, provider, "a sign-in failed");
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("error", &error.to_string())
                .finish();
            Redirect::to(&format!("/signin?{query}"))
        }
    }
}

#[derive(Deserialize, ToSchema)]
struct UsertagChoice {
    /// The usertag wanted: unique, shown as `@usertag`.
    usertag: String,
}

/// Where to go once the account exists.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct NextPage {
    /// The page signing in started from.
    return_to: String,
}

/// A first sign-in picks its usertag; answers where to go next. Needs the session of a
/// sign-in the provider confirmed.
#[utoipa::path(
    post,
    path = "/usertag",
    tag = "auth",
    request_body = UsertagChoice,
    security(("session" = [])),
    responses((status = 200, description = "The account is made", body = NextPage)),
)]
async fn choose_usertag(
    State(accounts): State<Accounts>,
    session: Session,
    JsonBody(choice): JsonBody<UsertagChoice>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let next = accounts.create_account(&session, &choice.usertag).await?;
    Ok(Json(serde_json::json!({ "returnTo": next })))
}

/// Signs the session out.
#[utoipa::path(
    post,
    path = "/logout",
    tag = "auth",
    security(("session" = [])),
    responses((status = 204, description = "Signed out")),
)]
async fn logout(
    State(accounts): State<Accounts>,
    session: Session,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    accounts.sign_out(&session, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A token pair for the signed-in session's account.
#[utoipa::path(
    post,
    path = "/token",
    tag = "auth",
    security(("session" = ["member"])),
    responses((status = 200, description = "A new token pair", body = TokenPair)),
)]
async fn token(
    State(accounts): State<Accounts>,
    caller: Caller,
) -> Result<Json<TokenPair>, ApiError> {
    Ok(Json(accounts.issue_tokens(&caller).await?))
}

/// A new pair for the refresh token in `X-Refresh-Token` (`/auth/refresh`, routed beside
/// the rest: an expired access token may come along).
#[utoipa::path(
    post,
    path = "/auth/refresh",
    tag = "auth",
    params(("X-Refresh-Token" = String, Header, description = "The refresh token of the last pair")),
    responses((status = 200, description = "The next token pair; the refresh token sent is spent", body = TokenPair)),
)]
pub async fn refresh(
    State(accounts): State<Accounts>,
    headers: HeaderMap,
) -> Result<Json<TokenPair>, ApiError> {
    let token = headers
        .get("x-refresh-token")
        .and_then(|value| value.to_str().ok())
        .ok_or(ServiceError::InvalidRefreshToken)?;
    Ok(Json(accounts.refresh(token).await?))
}

/// The public key that checks access tokens.
#[utoipa::path(
    get,
    path = "/jwks",
    tag = "auth",
    responses((status = 200, description = "A JSON Web Key Set (RFC 7517) with the Ed25519 key", content_type = "application/json")),
)]
async fn jwks(State(accounts): State<Accounts>) -> Response {
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(accounts.jwks()),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn referer_of(referer: &str, host: &str) -> Option<String> {
        let mut headers = HeaderMap::new();
        headers.insert(header::REFERER, HeaderValue::from_str(referer).unwrap());
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        same_site_referer(&headers)
    }

    #[test]
    fn only_this_sites_referer_is_a_page_to_come_back_to() {
        let back = referer_of("https://site:3000/room/Jazz?x=1", "site:3000");
        assert_eq!(back.as_deref(), Some("/room/Jazz?x=1"));
        assert_eq!(referer_of("http://site/", "site").as_deref(), Some("/"));
        assert_eq!(referer_of("https://elsewhere/room", "site"), None);
        assert_eq!(referer_of("https://site.evil/room", "site"), None);
        assert_eq!(referer_of("https://site:4000/room", "site:3000"), None);
        assert_eq!(referer_of("ftp://site/room", "site"), None);
        assert_eq!(referer_of("/room", "site"), None);
    }
}

//! The API's OpenAPI 3.1 document, `GET /api/v1/openapi.json`. Its paths come from the
//! handlers' `#[utoipa::path]` annotations as the router registers them (`utoipa_axum`), so
//! the document lists exactly the routes the router answers. This module adds what is the
//! same for every route: the server's base path, the two ways to authenticate, the error
//! shape, who may call each operation, and operation ids unique across the API.

use std::sync::Arc;

use axum::{
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
    Extension,
};
use utoipa::{
    openapi::{
        path::Operation,
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
        Content, OpenApi as Document, Ref, ResponseBuilder,
    },
    Modify, OpenApi, ToSchema,
};

use crate::error::ErrorBody;

/// The session cookie's name over plain HTTP; over HTTPS it is `__Host-` prefixed
/// (`crate::http::session_cookie`).
const SESSION_COOKIE: &str = "pianorhythm.sid";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "PianoRhythm REST API",
        description = "Rooms, accounts, players among themselves, moderation and sheet music. \
            Every answer is JSON, errors included (`ErrorBody`). A caller is the account of a \
            bearer token, else the session cookie's account or guest: each operation says \
            which callers it accepts (public, guest or member, member, moderator, admin).",
    ),
    servers((url = "/api/v1")),
    components(schemas(ErrorBody)),
    tags(
        (name = "rooms", description = "The rooms being played in"),
        (name = "auth", description = "Signing in and out, API tokens, the signing key"),
        (name = "users", description = "Profiles, settings, roles and site bans"),
        (name = "blocks", description = "Whom the caller blocks"),
        (name = "friends", description = "The caller's friends and friend requests"),
        (name = "messages", description = "The caller's conversations and direct messages"),
        (name = "notifications", description = "What the caller has been told about"),
        (name = "moderation", description = "Reports, the audit log and site bans"),
        (name = "sheet_music", description = "Uploading, finding and playing sheet music"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// The two ways to authenticate: the site's session cookie (guests and members) and a
/// member's access token from `POST /auth/token`.
struct Authentication;

impl Modify for Authentication {
    fn modify(&self, document: &mut Document) {
        let components = document.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "The site's session cookie (`__Host-pianorhythm.sid` over HTTPS): a guest's \
                 or a signed-in member's.",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A member's access token (`POST /auth/token`, renewed with \
                         `POST /auth/refresh`). A bad token is refused on every route.",
                    ))
                    .build(),
            ),
        );
    }
}

/// What every operation may answer besides its success: `ErrorBody` with the status, and
/// the statuses its callers' requirement implies. The role an operation needs is the role
/// named in its security requirements (OpenAPI's place for roles outside OAuth). Operation
/// ids are the handlers' names, which repeat between modules: each gets its tag in front.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, document: &mut Document) {
        for item in document.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                describe_access(operation);
                let tag = operation.tags.iter().flatten().next().cloned();
                if let (Some(tag), Some(id)) = (tag, &mut operation.operation_id) {
                    *id = format!("{tag}_{id}");
                }
            }
        }
    }
}

fn describe_access(operation: &mut Operation) {
    // A requirement's schemes and roles are private fields; its JSON is `{scheme: [role]}`.
    let requirements = serde_json::to_value(&operation.security).unwrap_or_default();
    let requirements = requirements.as_array().cloned().unwrap_or_default();
    let role = requirements
        .iter()
        .filter_map(|requirement| requirement.as_object())
        .flat_map(|schemes| schemes.values())
        .filter_map(|roles| roles.get(0)?.as_str())
        .next();
    let schemes = requirements.len();
    let by_token = requirements
        .iter()
        .any(|requirement| requirement.get("bearer").is_some());
    let access = match role {
        None if schemes == 0 => "public: anyone, no credentials needed",
        None if !by_token => "the session cookie (a guest's or a member's); no bearer token",
        None => "guest or member: the session cookie of a guest or a member, or a bearer token",
        Some("member") if !by_token => "member: a signed-in member's session cookie only",
        Some("member") => "member: a signed-in member's session cookie or bearer token",
        Some("moderator") => "moderator or admin: their session cookie or bearer token",
        Some(_) => "admin: an admin's session cookie or bearer token",
    };
    let description = operation.description.get_or_insert_with(String::new);
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(&format!("**Access:** {access}."));

    let error = |text: &str| {
        ResponseBuilder::new()
            .description(text)
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name(ErrorBody::name()))),
            )
            .build()
    };
    let responses = &mut operation.responses.responses;
    if schemes > 0 {
        responses
            .entry("401".into())
            .or_insert_with(|| error("No credentials, or a bad bearer token").into());
    }
    if role.is_some() {
        responses
            .entry("403".into())
            .or_insert_with(|| error("The caller's role may not do this, or is banned").into());
    }
    responses
        .entry("default".into())
        .or_insert_with(|| error("Any other error, with its status and code").into());
}

/// The document as served: built once, when the router is.
#[derive(Clone)]
pub struct Served(Arc<[u8]>);

impl Served {
    /// The routes' document completed with what every route shares (the modifiers run here,
    /// once the router has added the paths).
    pub fn new(mut document: Document) -> Self {
        Authentication.modify(&mut document);
        CommonAnswers.modify(&mut document);
        let json = serde_json::to_vec(&document).expect("the OpenAPI document serialises");
        Self(json.into())
    }
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")),
)]
pub async fn document(Extension(served): Extension<Served>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        served.0.to_vec(),
    )
        .into_response()
}

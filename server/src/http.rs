//! The HTTP surface: pages, client assets, the JSON API, health, and the WebSocket endpoint.
//!
//! - `api`: the JSON API under `/api/v1`
//! - `api_docs`: the API's reference pages at `/api/docs`
//! - `client_address`: the player's address behind trusted proxies
//! - `cors`: the API answering the pages of the sites `CORS_ORIGINS` names, never with cookies
//! - `cross_site`: requests from other sites' pages refused when they carry the session cookie
//! - `guest_session`: a page visit starts the visitor's session
//! - `health`: liveness and readiness probes
//! - `limits`: request rates per address, body sizes, the time to read and answer
//! - `page_theme`: the theme a page is drawn in, found before it is rendered
//! - `request_metrics`: requests counted for Prometheus
//! - `serve`: accepting connections, with a header timeout and a cap on open ones
//! - `sessions`: sessions stored or kept in memory
//! - `state`: what handlers share
//! - `static_files`: the client bundle, samples and instruments
//! - `upload_gate`: uploads refused from their headers to those who may not make them

mod api;
mod api_docs;
pub mod client_address;
pub mod cors;
pub mod cross_site;
mod guest_session;
pub mod health;
pub mod limits;
mod page_theme;
mod request_metrics;
pub mod serve;
pub mod sessions;
pub mod state;
mod static_files;
mod upload_gate;

use std::{path::PathBuf, sync::Arc};

use axum::http::{header, HeaderName, HeaderValue};
use axum::{middleware, routing::get, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    compression::{
        predicate::{DefaultPredicate, NotForContentType, Predicate},
        CompressionLayer,
    },
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

use app::{shell, App};

use self::{
    client_address::TrustedProxies, cross_site::SiteGuard, limits::HttpLimits,
    sessions::PersistentSessions, state::AppState,
};
use crate::{sheets::SheetPages, ws};

/// How the HTTP surface is set up (from the configuration).
#[derive(Clone, Debug)]
pub struct Site {
    /// The built site: the client bundle under `pkg_dir`, the piano's samples and the built-in
    /// instruments.
    pub root: PathBuf,
    /// The client bundle's folder inside `root`, served under the same name.
    pub pkg_dir: String,
    /// Served over HTTPS: cookies are `Secure` and browsers are told to stay on HTTPS.
    pub cookie_secure: bool,
    /// Request rates per address and the largest body.
    pub limits: HttpLimits,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// Sites whose pages may call the API with a bearer token.
    pub cors_origins: cors::CorsOrigins,
}

/// The session cookie's name. Over HTTPS it is `__Host-` prefixed: browsers then only accept
/// it Secure, for the whole site (`Path=/`) and from this host alone (no `Domain`), so a
/// neighbouring subdomain cannot plant one.
pub fn session_cookie(cookie_secure: bool) -> &'static str {
    match cookie_secure {
        true => "__Host-pianorhythm.sid",
        false => "pianorhythm.sid",
    }
}

pub fn router(site: &Site, state: AppState, sessions: PersistentSessions) -> Router {
    let guard = SiteGuard {
        origins: state.realtime.origins.clone(),
        cookie: session_cookie(site.cookie_secure),
    };
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let rooms = state.rooms.clone();
    let accounts: pianorhythm_api::services::SharedAccounts = Arc::new(state.accounts.clone());
    let sheets: pianorhythm_api::services::SharedSheets = Arc::new(SheetPages {
        library: state.sheets.clone(),
        accounts: state.accounts.clone(),
    });
    let staff: pianorhythm_api::services::SharedStaff = Arc::new(crate::reports::StaffPages {
        reports: state.reports.clone(),
        accounts: state.accounts.clone(),
    });
    let social: pianorhythm_api::services::SharedSocial = Arc::new(crate::social::SocialPages {
        social: state.social.clone(),
        accounts: state.accounts.clone(),
    });
    let avatar_hosts = pianorhythm_api::services::AvatarHosts(state.accounts.avatar_hosts());
    let provide_services = move || {
        provide_context(avatar_hosts.clone());
        provide_context(social.clone());
        provide_context(rooms.clone());
        provide_context(accounts.clone());
        provide_context(sheets.clone());
        provide_context(staff.clone());
    };

    // Pages, server functions, the API and WebSocket handshakes are rate-limited per address.
    // Probes, the client bundle, the samples and the instruments (a page load fetches many
    // files) are not.
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, provide_services.clone(), move || {
            shell(leptos_options.clone())
        })
        .route_layer(middleware::from_fn_with_state(
            state.accounts.clone(),
            guest_session::start,
        ));
    let answered = Router::new()
        .nest(
            "/api/v1",
            cors::for_api(api::router(&state), &site.cors_origins),
        )
        .merge(pages)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_services, shell))
        .layer(middleware::from_fn_with_state(
            state.accounts.clone(),
            upload_gate::check,
        ))
        .layer(middleware::from_fn_with_state(
            state.accounts.clone(),
            page_theme::find,
        ));
    let router = Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route_service(
            &format!("/{}/{}", site.pkg_dir, static_files::SOCKET_WORKER),
            static_files::worker(
                &site
                    .root
                    .join(&site.pkg_dir)
                    .join(static_files::SOCKET_WORKER),
            ),
        )
        .nest_service(
            &format!("/{}", site.pkg_dir),
            static_files::bundle(&site.root.join(&site.pkg_dir)),
        )
        .nest_service("/api/docs", api_docs::viewer(&site.root.join("api-docs")))
        .nest(
            "/samples",
            static_files::samples(&site.root.join("samples")),
        )
        .nest(
            "/instruments",
            static_files::instruments(&site.root.join("instruments")),
        )
        .merge(limits::rate_limited(answered, site.limits))
        // Handshakes on a budget of their own: refused ones never reach the handler, so
        // they start no session.
        .merge(limits::rate_limited(
            Router::new().route("/ws", get(ws::upgrade)),
            site.limits,
        ))
        .layer(session_layer(site.cookie_secure, sessions));
    let router = cors::without_foreign_api_cookies(router, guard.origins.clone());
    let router = limits::timed(limits::body_limited(router, site.limits), site.limits);
    let router = cross_site::guarded(router, guard);
    let router = with_security_headers(router, site.cookie_secure)
        .layer(CompressionLayer::new().compress_when(worth_compressing()))
        .layer(TraceLayer::new_for_http());
    let router = request_metrics::counted(router);
    client_address::from_trusted_proxies(router, site.trusted_proxies.clone()).with_state(state)
}

/// Recorded audio is compressed already: gzip would cost CPU on every sample and save nothing.
fn worth_compressing() -> impl tower_http::compression::Predicate {
    DefaultPredicate::new().and(NotForContentType::const_new("audio/"))
}

/// Headers every response carries. Pages get their own Content-Security-Policy (with the
/// nonce of their hydration script, see `app::security`); any other response gets one that
/// allows nothing, so a JSON answer or an asset opened directly cannot run anything either.
fn with_security_headers<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    cookie_secure: bool,
) -> Router<S> {
    let hsts = cookie_secure.then_some(HeaderValue::from_static(
        "max-age=31536000; includeSubDomains",
    ));
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        // A page this site opens, or that opens it, gets no handle on the other's window.
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        // Only over HTTPS (COOKIE_SECURE): browsers then refuse plain HTTP for a year.
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::response::Response| hsts.clone(),
        ))
}

/// Guest identities live in a session cookie; the store keeps them for 30 days of inactivity.
/// Sessions are stored (see `sessions`), so a guest is the same after a restart.
fn session_layer(
    cookie_secure: bool,
    sessions: PersistentSessions,
) -> SessionManagerLayer<PersistentSessions> {
    SessionManagerLayer::new(sessions)
        .with_name(session_cookie(cookie_secure))
        .with_path("/")
        .with_secure(cookie_secure)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(30)))
}

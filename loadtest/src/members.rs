//! Members as the server knows them: each signs in through the local OAuth provider with a
//! browser's cookie jar, picks a usertag, and opens sockets carrying its session cookie.

use std::sync::Arc;

use pianorhythm_core::protocol::{server_message, socket_path};
use reqwest::{cookie::CookieStore, header, redirect, StatusCode};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::{
    bot::{self, Socket},
    oauth::OAuthProvider,
};

/// Read buffer per member socket: what arrives are small frames, a few at a time.
const READ_BUFFER: usize = 8 * 1024;

/// A signed-in member.
pub struct Member {
    /// Its usertag, which direct messages are addressed to.
    pub usertag: String,
    /// Its account id, which presence updates name.
    pub id: String,
    /// Its session cookie (`name=value`), which its sockets and requests carry.
    pub cookie: String,
    /// Its browser: the session cookie and the site's origin on every request.
    pub http: reqwest::Client,
}

/// Signs in a new member `usertag` on the server at `base` (`http://host:port`).
pub async fn sign_in(
    base: &str,
    provider: &OAuthProvider,
    usertag: &str,
) -> Result<Member, String> {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let mut origin = header::HeaderMap::new();
    // Requests that change something name the page they come from; the site's are this server's.
    origin.insert(
        header::ORIGIN,
        base.parse().map_err(|_| format!("bad base {base}"))?,
    );
    let http = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .default_headers(origin)
        .redirect(redirect::Policy::none())
        .build()
        .map_err(|error| error.to_string())?;
    let failed = |step: &str| {
        let step = step.to_owned();
        move |error: reqwest::Error| format!("signing {usertag} in, {step}: {error}")
    };

    let claims =
        serde_json::json!({ "sub": format!("{usertag}-1"), "preferred_username": usertag });
    http.post(format!("{}/user", provider.control))
        .body(claims.to_string())
        .send()
        .await
        .map_err(failed("telling the provider"))?;
    let start = http
        .get(format!(
            "{base}/api/v1/auth/login?provider=local&return_to=/"
        ))
        .send()
        .await
        .map_err(failed("login"))?;
    let authorized = http
        .get(location(&start)?)
        .send()
        .await
        .map_err(failed("authorize"))?;
    let callback = http
        .get(location(&authorized)?)
        .send()
        .await
        .map_err(failed("callback"))?;
    let next = location(&callback)?;
    if !next.ends_with("/welcome") {
        return Err(format!(
            "{usertag} signed in as someone known already ({next})"
        ));
    }
    let chosen = http
        .post(format!("{base}/api/v1/auth/usertag"))
        .json(&serde_json::json!({ "usertag": usertag }))
        .send()
        .await
        .map_err(failed("usertag"))?;
    if chosen.status() != StatusCode::OK {
        return Err(format!(
            "{usertag}: the usertag was refused: {}",
            chosen.status()
        ));
    }
    let profile: serde_json::Value = http
        .get(format!("{base}/api/v1/users/profile"))
        .send()
        .await
        .map_err(failed("profile"))?
        .json()
        .await
        .map_err(failed("profile"))?;
    let id = profile["id"]
        .as_str()
        .ok_or_else(|| format!("{usertag}: a profile without an id: {profile}"))?
        .to_owned();
    let cookie = jar
        .cookies(&base.parse().map_err(|_| format!("bad base {base}"))?)
        .and_then(|cookies| cookies.to_str().ok().map(str::to_owned))
        .ok_or_else(|| format!("{usertag}: no session cookie"))?;
    Ok(Member {
        usertag: usertag.to_owned(),
        id,
        cookie,
        http,
    })
}

impl Member {
    /// A socket signed in as this member (its session cookie), once the server has welcomed it.
    pub async fn connect(&self, ws_base: &str) -> Result<Socket, String> {
        let url = format!("{ws_base}{}", socket_path());
        let mut request = url
            .into_client_request()
            .map_err(|error| error.to_string())?;
        let cookie = self.cookie.parse().map_err(|_| "a bad cookie".to_owned())?;
        request.headers_mut().insert(header::COOKIE, cookie);
        let config = bot::socket_config(READ_BUFFER);
        let (mut socket, _) =
            tokio_tungstenite::connect_async_with_config(request, Some(config), true)
                .await
                .map_err(|error| format!("{}: cannot connect: {error}", self.usertag))?;
        bot::await_server(&mut socket, |kind| {
            matches!(kind, server_message::Kind::Welcome(_)).then_some(Ok(()))
        })
        .await
        .map_err(|error| format!("{}: {error}", self.usertag))?;
        Ok(socket)
    }
}

/// Where a redirect sends the browser.
fn location(response: &reqwest::Response) -> Result<String, String> {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|location| location.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| {
            format!(
                "no redirect from {} ({})",
                response.url(),
                response.status()
            )
        })
}

//! The OAuth 2 authorization-code flow with PKCE and `state`, and reading who signed in.
//!
//! [`authorize`] gives the URL to send the browser to and what the session must remember;
//! [`finish`] checks the provider's answer against it, exchanges the code and reads the
//! provider's user info.

use oauth2::{
    basic::BasicClient, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use pianorhythm_core::domain::{auth::Login, user};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use subtle::ConstantTimeEq;

use super::providers::Provider;
use crate::service_error::ServiceError;

/// What the session keeps between sending the browser to the provider and its return.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingAuthorization {
    /// The provider it was sent to; an answer arriving at another provider's callback fails.
    pub provider: String,
    /// The `state` sent along: the answer must carry it back (no cross-site forgery).
    pub state: String,
    /// The PKCE verifier: a stolen code is useless without it.
    pub verifier: String,
    /// The page to return to afterwards (a path on this site).
    pub return_to: String,
}

/// Who the provider says signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderIdentity {
    /// The provider and its subject: the account's key.
    pub login: Login,
    /// A name to show, if the provider gave one.
    pub display_name: Option<String>,
    /// A handle to offer as the usertag, if the provider gave one.
    pub handle: Option<String>,
    /// An email address the provider says it verified (OpenID Connect's `email` with
    /// `email_verified`, GitHub's primary verified one). Kept on a new account, shown to its
    /// owner alone, and never used to find or join accounts.
    pub verified_email: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("the sign-in was not started here, or has already been used")]
    NotPending,
    #[error("the sign-in answer does not match the one started here")]
    StateMismatch,
    #[error("the provider refused the sign-in: {0}")]
    Refused(String),
    #[error("the provider could not be reached or gave no usable answer: {0}")]
    Provider(String),
    #[error("the provider is misconfigured: {0}")]
    Misconfigured(String),
}

impl From<OAuthError> for ServiceError {
    fn from(error: OAuthError) -> Self {
        Self::SignIn(error.to_string())
    }
}

/// The URL that starts signing in with `provider`, and what to remember until it answers.
pub fn authorize(
    provider: &Provider,
    callback: &str,
    return_to: String,
) -> Result<(String, PendingAuthorization), OAuthError> {
    let client = BasicClient::new(ClientId::new(provider.client_id.clone()))
        .set_auth_uri(parse(AuthUrl::new(provider.auth_url.clone()))?)
        .set_redirect_uri(parse(RedirectUrl::new(callback.to_owned()))?);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(provider.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge)
        .url();
    let pending = PendingAuthorization {
        provider: provider.id.clone(),
        state: state.secret().clone(),
        verifier: verifier.secret().clone(),
        return_to,
    };
    Ok((url.to_string(), pending))
}

/// The provider's answer at the callback: `code` and `state`, or `error`.
#[derive(Debug, Default, Deserialize)]
pub struct CallbackParams {
    /// The authorization code, on success.
    pub code: Option<String>,
    /// The `state` we sent, echoed back.
    pub state: Option<String>,
    /// The provider's error code (`access_denied`...), on failure.
    pub error: Option<String>,
    /// The provider's words about the error.
    pub error_description: Option<String>,
}

/// Checks the answer against what was pending, exchanges the code, reads the user info.
pub async fn finish(
    http: &reqwest::Client,
    provider: &Provider,
    callback: &str,
    pending: PendingAuthorization,
    params: CallbackParams,
) -> Result<ProviderIdentity, OAuthError> {
    let returned_state = params.state.unwrap_or_default();
    let state_matches: bool = returned_state
        .as_bytes()
        .ct_eq(pending.state.as_bytes())
        .into();
    if pending.provider != provider.id || !state_matches {
        return Err(OAuthError::StateMismatch);
    }
    if let Some(error) = params.error {
        let description = params.error_description.unwrap_or_default();
        return Err(OAuthError::Refused(
            format!("{error} {description}").trim().to_owned(),
        ));
    }
    let code = params
        .code
        .ok_or_else(|| OAuthError::Refused("no code in the answer".into()))?;
    let client = BasicClient::new(ClientId::new(provider.client_id.clone()))
        .set_client_secret(ClientSecret::new(provider.client_secret.clone()))
        .set_token_uri(parse(TokenUrl::new(provider.token_url.clone()))?)
        .set_redirect_uri(parse(RedirectUrl::new(callback.to_owned()))?);
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
        .request_async(http)
        .await
        .map_err(|error| OAuthError::Provider(format!("token exchange failed: {error}")))?;
    let info: Value = http
        .get(&provider.userinfo_url)
        .bearer_auth(token.access_token().secret())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|error| OAuthError::Provider(format!("user info failed: {error}")))?
        .json()
        .await
        .map_err(|error| OAuthError::Provider(format!("user info is not JSON: {error}")))?;
    let mut identity = identity_from_userinfo(&provider.id, &info)?;
    if identity.verified_email.is_none() && provider.id == "github" {
        let emails = format!("{}/emails", provider.userinfo_url.trim_end_matches('/'));
        identity.verified_email = github_email(http, &emails, token.access_token().secret()).await;
    }
    Ok(identity)
}

/// GitHub's primary email, if verified: its user info shows a public email only, so the
/// addresses are read from `/user/emails` (scope `user:email`). Any failure is no email.
async fn github_email(http: &reqwest::Client, url: &str, token: &str) -> Option<String> {
    let answer = http
        .get(url)
        .bearer_auth(token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .ok()?
        .error_for_status()
        .ok()?;
    primary_verified_email(&answer.json().await.ok()?)
}

/// The primary, verified address in GitHub's list of a user's emails.
fn primary_verified_email(emails: &Value) -> Option<String> {
    emails.as_array()?.iter().find_map(|entry| {
        let flag = |key: &str| entry.get(key).and_then(Value::as_bool) == Some(true);
        let address = entry.get("email")?.as_str()?;
        (flag("primary") && flag("verified"))
            .then(|| user::email(address).ok())
            .flatten()
    })
}

/// The account key and names in a provider's user info: `sub` (OpenID Connect) or `id`
/// (GitHub, Discord), as text or a number.
pub fn identity_from_userinfo(
    provider: &str,
    info: &Value,
) -> Result<ProviderIdentity, OAuthError> {
    let text = |key: &str| match info.get(key) {
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    };
    let subject = text("sub")
        .or_else(|| text("id"))
        .ok_or_else(|| OAuthError::Provider("the user info names no subject".into()))?;
    let first = |keys: &[&str]| keys.iter().find_map(|key| text(key));
    Ok(ProviderIdentity {
        login: Login::new(provider, subject),
        display_name: first(&[
            "preferred_username",
            "name",
            "global_name",
            "login",
            "username",
        ]),
        handle: first(&["preferred_username", "login", "username", "name"]),
        verified_email: verified_email(info),
    })
}

/// OpenID Connect's `email`, when `email_verified` says so (as `true` or `"true"`) and it is
/// an address.
fn verified_email(info: &Value) -> Option<String> {
    let verified = match info.get("email_verified") {
        Some(Value::Bool(verified)) => *verified,
        Some(Value::String(verified)) => verified == "true",
        _ => false,
    };
    let address = info.get("email")?.as_str()?;
    verified.then(|| user::email(address).ok()).flatten()
}

fn parse<T>(url: Result<T, oauth2::url::ParseError>) -> Result<T, OAuthError> {
    url.map_err(|error| OAuthError::Misconfigured(error.to_string()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_subject_is_sub_or_id_and_names_are_taken_in_order() {
        let oidc = json!({"sub": "johndoe", "preferred_username": "jd", "name": "John Doe"});
        let identity = identity_from_userinfo("local", &oidc).unwrap();
        assert_eq!(identity.login, Login::new("local", "johndoe"));
        assert_eq!(identity.display_name.as_deref(), Some("jd"));

        let github = json!({"id": 583231, "login": "octocat", "name": "The Octocat"});
        let identity = identity_from_userinfo("github", &github).unwrap();
        assert_eq!(identity.login.subject, "583231");
        assert_eq!(identity.display_name.as_deref(), Some("The Octocat"));
        assert_eq!(identity.handle.as_deref(), Some("octocat"));

        assert!(identity_from_userinfo("x", &json!({"name": "nobody"})).is_err());
        assert!(identity_from_userinfo("x", &json!({"sub": ""})).is_err());
    }

    #[test]
    fn only_an_email_the_provider_verified_is_taken() {
        let email = |info: Value| identity_from_userinfo("x", &info).unwrap().verified_email;
        let verified = json!({"sub": "a", "email": "Ada@Example.org", "email_verified": true});
        assert_eq!(email(verified).as_deref(), Some("ada@example.org"));
        let said_so = json!({"sub": "a", "email": "ada@example.org", "email_verified": "true"});
        assert!(email(said_so).is_some());
        assert!(email(json!({"sub": "a", "email": "ada@example.org"})).is_none());
        let unverified = json!({"sub": "a", "email": "ada@example.org", "email_verified": false});
        assert!(email(unverified).is_none());
        let not_an_address = json!({"sub": "a", "email": "ada", "email_verified": true});
        assert!(email(not_an_address).is_none());

        let github = json!([
            {"email": "old@example.org", "primary": false, "verified": true},
            {"email": "Octo@Example.org", "primary": true, "verified": true},
        ]);
        assert_eq!(
            primary_verified_email(&github).as_deref(),
            Some("octo@example.org")
        );
        let unverified = json!([{"email": "octo@example.org", "primary": true, "verified": false}]);
        assert!(primary_verified_email(&unverified).is_none());
        assert!(primary_verified_email(&json!({"message": "Not Found"})).is_none());
    }

    #[test]
    fn authorizing_sends_state_and_a_pkce_challenge() {
        let provider = Provider {
            id: "local".into(),
            label: "Local".into(),
            auth_url: "http://127.0.0.1:9/authorize".into(),
            token_url: "http://127.0.0.1:9/token".into(),
            userinfo_url: "http://127.0.0.1:9/userinfo".into(),
            client_id: "client".into(),
            client_secret: "secret".into(),
            scopes: vec!["openid".into()],
        };
        let callback = "http://127.0.0.1:3000/api/v1/auth/callback/local";
        let (url, pending) = authorize(&provider, callback, "/room/x".into()).unwrap();
        assert!(url.starts_with("http://127.0.0.1:9/authorize?"));
        assert!(url.contains(&format!("state={}", pending.state)));
        assert!(url.contains("code_challenge_method=S256"));
        assert!(
            !url.contains(&pending.verifier),
            "the verifier never leaves"
        );
        let (_, again) = authorize(&provider, callback, "/".into()).unwrap();
        assert_ne!(pending.state, again.state);
    }
}

//! [`Accounts`] as the account pages' server functions see it ([`AccountService`]): each
//! call finds the session and address of the request it serves, then asks the service.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::{extract::ConnectInfo, http::request::Parts};
use pianorhythm_api::{
    account::{
        Checked, FieldError, Profile, ProfileForm, ProviderButton, Settings, SignedIn, Theme,
    },
    services::AccountService,
};
use tower_sessions::Session;

use super::{Accounts, Caller};
use crate::service_error::ServiceError;

impl Accounts {
    fn session_of(request: &Parts) -> Result<Session, String> {
        request
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| "no session for this request".to_owned())
    }

    /// The session and caller of the request a server function serves.
    pub(crate) async fn caller_of(&self, request: &Parts) -> Result<(Session, Caller), String> {
        let session = Self::session_of(request)?;
        let address = request
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(peer)| {
                peer.ip()
            });
        let caller = self
            .caller(&request.headers, &session, address)
            .await
            .map_err(|error| error.to_string())?;
        Ok((session, caller))
    }
}

/// A field's error as the form shows it; any other error as the page's message.
fn checked<T>(result: Result<T, ServiceError>) -> Result<Checked<T>, String> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(ServiceError::Field { field, message }) => Ok(Err(vec![FieldError {
            field: field.to_owned(),
            message,
        }])),
        Err(error) => Err(error.to_string()),
    }
}

#[async_trait::async_trait]
impl AccountService for Accounts {
    async fn signed_in(&self, request: &Parts) -> Option<SignedIn> {
        let (_, caller) = self.caller_of(request).await.ok()?;
        let user = caller.identity.user()?;
        Some(SignedIn {
            id: user.id.clone(),
            usertag: user.usertag.clone(),
            username: user.username.clone(),
            role: user.role().as_str().to_owned(),
        })
    }

    fn providers(&self) -> Vec<ProviderButton> {
        self.provider_buttons()
    }

    async fn pending_usertag(&self, request: &Parts) -> Option<String> {
        let session = Self::session_of(request).ok()?;
        Accounts::pending_usertag(self, &session).await
    }

    async fn choose_usertag(
        &self,
        request: &Parts,
        usertag: String,
    ) -> Result<Checked<String>, String> {
        let session = Self::session_of(request)?;
        checked(self.create_account(&session, &usertag).await)
    }

    async fn sign_out(&self, request: &Parts) -> Result<(), String> {
        let (session, caller) = self.caller_of(request).await?;
        Accounts::sign_out(self, &session, &caller)
            .await
            .map_err(|error| error.to_string())
    }

    async fn profile(&self, request: &Parts) -> Result<Profile, String> {
        let (_, caller) = self.caller_of(request).await?;
        self.own_profile(&caller)
            .await
            .map_err(|error| error.to_string())
    }

    async fn update_profile(
        &self,
        request: &Parts,
        form: ProfileForm,
    ) -> Result<Checked<Profile>, String> {
        let (_, caller) = self.caller_of(request).await?;
        Accounts::update_profile(self, &caller, form)
            .await
            .map_err(|error| error.to_string())
    }

    async fn settings(&self, request: &Parts) -> Result<Settings, String> {
        let (_, caller) = self.caller_of(request).await?;
        Accounts::settings(self, &caller)
            .await
            .map_err(|error| error.to_string())
    }

    async fn update_settings(
        &self,
        request: &Parts,
        settings: Settings,
    ) -> Result<Checked<Settings>, String> {
        let (_, caller) = self.caller_of(request).await?;
        Accounts::update_settings(self, &caller, settings)
            .await
            .map_err(|error| error.to_string())
    }

    async fn choose_theme(&self, request: &Parts, theme: String) -> Result<Checked<Theme>, String> {
        let (_, caller) = self.caller_of(request).await?;
        Accounts::choose_theme(self, &caller, &theme)
            .await
            .map_err(|error| error.to_string())
    }

    async fn public_profile(&self, request: &Parts, usertag: String) -> Result<Profile, String> {
        let (_, caller) = self.caller_of(request).await?;
        Accounts::public_profile(self, &caller, &usertag)
            .await
            .map_err(|error| error.to_string())
    }
}

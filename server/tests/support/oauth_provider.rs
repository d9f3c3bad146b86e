//! A real OpenID Connect provider for the tests: `end2end/oauth/provider.mjs` (npm's
//! oauth2-mock-server) in a child process, stopped when dropped.

#![allow(dead_code)] // Each test binary uses a different part of the harness.

use std::process::Stdio;

use serde_json::Value;
use server::accounts::{Provider, Providers};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

pub struct OAuthProvider {
    /// The provider's base URL (authorize, token and userinfo endpoints hang off it).
    pub issuer: String,
    /// Where to say who signs in next.
    control: String,
    /// Killed on drop; its stdin closing also stops it if this process dies first.
    _child: Child,
}

impl OAuthProvider {
    pub async fn start() -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/oauth/provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs the OAuth provider (scripts/setup.sh installs it)");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the provider prints its addresses");
        let addresses: Value = serde_json::from_str(&line).unwrap();
        Self {
            issuer: addresses["issuer"].as_str().unwrap().to_owned(),
            control: addresses["control"].as_str().unwrap().to_owned(),
            _child: child,
        }
    }

    /// The provider as the server is configured with it, under id `local`.
    pub fn providers(&self) -> Providers {
        Providers::new(vec![Provider {
            id: "local".into(),
            label: "Local ID".into(),
            auth_url: format!("{}/authorize", self.issuer),
            token_url: format!("{}/token", self.issuer),
            userinfo_url: format!("{}/userinfo", self.issuer),
            client_id: "pianorhythm".into(),
            client_secret: "secret".into(),
            scopes: vec!["openid".into(), "profile".into()],
        }])
    }

    /// Whoever signs in next is this person (their user info claims).
    pub async fn next_user(&self, claims: Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/user", self.control))
            .body(claims.to_string())
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
    }

    /// The next sign-in is refused by the provider (`error=access_denied`).
    pub async fn refuse_next(&self) {
        let response = reqwest::Client::new()
            .post(format!("{}/refuse", self.control))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
    }
}

//! Calling the REST API as a test does: a request's status and JSON body, and a server that
//! lets one address sign many members in.

use reqwest::StatusCode;
use serde_json::Value;
use server::config::Config;

/// Sends `request`: its status and JSON body (`Null` for none).
pub async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// For a test that signs many members in from one address.
pub fn many_sign_ins(config: &mut Config) {
    config.http.burst = 1_000;
}

//! A bot in a few dozen lines: with a member's access token it creates a room through the
//! REST API, enters it over the WebSocket with a room ticket, waits for a listener and plays
//! them a C major scale. docs/bots.md walks through it.
//!
//! ```sh
//! PIANORHYTHM_URL=http://127.0.0.1:3000 PIANORHYTHM_TOKEN=<access token> \
//!     cargo run -p server --example bot -- "Scales with a bot"
//! ```

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, ClientMessage, NoteBatch, NoteEvent,
    NoteEventKind, ServerMessage,
};
use prost::Message as _;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let site = std::env::var("PIANORHYTHM_URL")?;
    let token = std::env::var("PIANORHYTHM_TOKEN")?;
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "Scales with a bot".into());
    play_a_scale(&site, &token, &name).await
}

/// Creates room `name`, enters it, and plays a scale to the first player who joins.
pub async fn play_a_scale(site: &str, token: &str, name: &str) -> Result<(), Error> {
    let api = |path: &str| format!("{site}/api/v1{path}");
    let room = post(token, api("/rooms/create"), json!({ "name": name })).await?;
    let id = room["id"].as_str().ok_or("no room id")?;
    let ticket = post(token, api(&format!("/rooms/{id}/join")), json!({})).await?;
    let ticket = ticket["ticket"].as_str().ok_or("no ticket")?;

    let url = format!("{}/ws?v=1&ticket={ticket}", site.replacen("http", "ws", 1));
    let mut request = url.into_client_request()?;
    let bearer = format!("Bearer {token}").parse()?;
    request.headers_mut().insert("authorization", bearer);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;

    // Notes are stamped in the server's time: the welcome tells it.
    let mut clock = (0.0, Instant::now());
    while let Some(frame) = socket.next().await {
        let Message::Binary(bytes) = frame? else {
            continue;
        };
        match ServerMessage::decode(bytes.as_ref())?.kind {
            Some(Kind::Welcome(welcome)) => clock = (welcome.server_time, Instant::now()),
            // Someone to play to: there already, or coming in.
            Some(Kind::RoomJoined(room)) if room.participants.len() > 1 => break,
            Some(Kind::ParticipantJoined(_)) => break,
            Some(Kind::Error(error)) => return Err(error.message.into()),
            _ => {}
        }
    }
    let server_now = || clock.0 + clock.1.elapsed().as_secs_f64() * 1000.0;
    for key in [60, 62, 64, 65, 67, 69, 71, 72] {
        for kind in [NoteEventKind::NoteOn, NoteEventKind::NoteOff] {
            let event = NoteEvent {
                offset_ms: 0,
                kind: kind as i32,
                key,
                value: 90,
            };
            let batch = NoteBatch {
                time: server_now(),
                events: vec![event],
            };
            let frame = ClientMessage::from_kind(Request::Notes(batch)).encode_to_vec();
            socket.send(Message::Binary(frame.into())).await?;
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
    Ok(socket.close(None).await?)
}

/// `POST url` with the token and a JSON body: the JSON answer, or the error status.
async fn post(token: &str, url: String, body: Value) -> Result<Value, Error> {
    let request = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .json(&body);
    Ok(request.send().await?.error_for_status()?.json().await?)
}

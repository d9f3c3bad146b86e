//! One client's WebSocket: decodes its frames, answers them, and closes it cleanly.

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use pianorhythm_core::protocol::{
    client_message, server_message, ClientMessage, Disconnect, DisconnectReason, ErrorCode,
    ServerMessage, TimePing, TimePong, Welcome, MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use prost::Message as _;

use crate::{clock, shutdown::Shutdown};

/// WebSocket close codes (RFC 6455 section 7.4).
const CLOSE_PROTOCOL_ERROR: u16 = 1002;
const CLOSE_SERVICE_RESTART: u16 = 1012;

/// The socket failed or the peer went away; nothing more can be sent.
struct Gone;

pub async fn serve(mut socket: WebSocket, speaks_our_protocol: bool, shutdown: Shutdown) {
    if !speaks_our_protocol {
        let message =
            format!("this server speaks protocol version {PROTOCOL_VERSION}; reload the page");
        let _ = send(
            &mut socket,
            ServerMessage::error(ErrorCode::UnsupportedProtocol, &message),
        )
        .await;
        say_goodbye(
            &mut socket,
            DisconnectReason::ProtocolMismatch,
            CLOSE_PROTOCOL_ERROR,
            message,
        )
        .await;
        return;
    }
    let welcome = server_message::Kind::Welcome(Welcome {
        protocol_version: PROTOCOL_VERSION,
        server_time: clock::now_ms(),
    });
    if send(&mut socket, ServerMessage::from_kind(welcome))
        .await
        .is_err()
    {
        return;
    }

    loop {
        tokio::select! {
            frame = socket.recv() => {
                let Some(Ok(frame)) = frame else { return };
                let outcome = match frame {
                    Message::Binary(bytes) => handle_frame(&mut socket, &bytes).await,
                    Message::Text(_) => {
                        reply_error(&mut socket, ErrorCode::InvalidMessage, "frames must be binary protobuf").await
                    }
                    Message::Close(_) => return,
                    // Pings are answered by the WebSocket layer itself.
                    Message::Ping(_) | Message::Pong(_) => Ok(()),
                };
                if outcome.is_err() {
                    return;
                }
            }
            () = shutdown.cancelled() => {
                say_goodbye(&mut socket, DisconnectReason::ServerRestarting, CLOSE_SERVICE_RESTART,
                    "server restarting".to_owned()).await;
                return;
            }
        }
    }
}

async fn handle_frame(socket: &mut WebSocket, bytes: &[u8]) -> Result<(), Gone> {
    let received_at = clock::now_ms();
    if bytes.len() > MAX_FRAME_BYTES {
        let message = format!(
            "frame of {} bytes exceeds the {MAX_FRAME_BYTES}-byte limit",
            bytes.len()
        );
        return reply_error(socket, ErrorCode::MessageTooLarge, &message).await;
    }
    let message = match ClientMessage::decode(bytes) {
        Ok(ClientMessage { kind: Some(kind) }) => kind,
        Ok(ClientMessage { kind: None }) => {
            return reply_error(
                socket,
                ErrorCode::InvalidMessage,
                "unknown or empty message",
            )
            .await
        }
        Err(error) => {
            let message = format!("undecodable message: {error}");
            return reply_error(socket, ErrorCode::InvalidMessage, &message).await;
        }
    };
    match message {
        client_message::Kind::Ping(TimePing { client_send_time }) => {
            let pong = server_message::Kind::Pong(TimePong {
                client_send_time,
                server_receive_time: received_at,
                server_send_time: clock::now_ms(),
            });
            send(socket, ServerMessage::from_kind(pong)).await
        }
    }
}

async fn reply_error(socket: &mut WebSocket, code: ErrorCode, message: &str) -> Result<(), Gone> {
    send(socket, ServerMessage::error(code, message)).await
}

async fn send(socket: &mut WebSocket, message: ServerMessage) -> Result<(), Gone> {
    socket
        .send(Message::Binary(message.encode_to_vec().into()))
        .await
        .map_err(|_| Gone)
}

/// Tells the client why, then closes with a matching close frame.
async fn say_goodbye(
    socket: &mut WebSocket,
    reason: DisconnectReason,
    close_code: u16,
    message: String,
) {
    let disconnect = server_message::Kind::Disconnect(Disconnect {
        reason: reason as i32,
        message: message.clone(),
    });
    if send(socket, ServerMessage::from_kind(disconnect))
        .await
        .is_ok()
    {
        let close = CloseFrame {
            code: close_code,
            reason: message.into(),
        };
        let _ = socket.send(Message::Close(Some(close))).await;
    }
}

//! The baseline: the least a relay can do. Clients connect to `ws://host:port/<room>`, and every
//! binary frame one sends is forwarded unchanged to every other client on the same path. No
//! protobuf, no validation, no quotas. The server's deliveries/s divided by this one's tells how
//! much its logic costs over the bare WebSocket fan-out on the same machine.

use std::{
    collections::HashMap,
    io,
    sync::{Arc, Mutex},
};

use futures_util::{SinkExt, StreamExt};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::mpsc,
};
use tokio_tungstenite::tungstenite::{
    handshake::server::{Request, Response},
    Message,
};

/// Everyone on one path: their id and the queue their writer drains.
type Room = Arc<Mutex<Vec<(u64, mpsc::UnboundedSender<Message>)>>>;

/// Runs until the process is killed.
pub async fn serve(port: u16) -> io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("baseline relay listening on {}", listener.local_addr()?);
    let rooms: Arc<Mutex<HashMap<String, Room>>> = Arc::default();
    let mut next_id = 0;
    loop {
        let (stream, _) = listener.accept().await?;
        // Latency matters more than packet count for notes; a real server would do the same.
        let _ = stream.set_nodelay(true);
        next_id += 1;
        tokio::spawn(client(stream, next_id, rooms.clone()));
    }
}

// The handshake callback's error type is tungstenite's `Result<Response, ErrorResponse>`.
#[allow(clippy::result_large_err)]
async fn client(stream: TcpStream, id: u64, rooms: Arc<Mutex<HashMap<String, Room>>>) {
    let mut path = String::new();
    let handshake =
        tokio_tungstenite::accept_hdr_async(stream, |request: &Request, response: Response| {
            path = request.uri().path().to_owned();
            Ok(response)
        })
        .await;
    let Ok(socket) = handshake else { return };
    let (mut sink, mut source) = socket.split();
    let (queue, mut outbox) = mpsc::unbounded_channel::<Message>();
    // Looked up once per client, so forwarding a frame locks only this room.
    let room = rooms.lock().unwrap().entry(path).or_default().clone();
    room.lock().unwrap().push((id, queue));

    // Writes whatever has queued up, then flushes once: one syscall for a burst of frames.
    let writer = tokio::spawn(async move {
        while let Some(message) = outbox.recv().await {
            if sink.feed(message).await.is_err() {
                return;
            }
            while let Ok(message) = outbox.try_recv() {
                if sink.feed(message).await.is_err() {
                    return;
                }
            }
            if sink.flush().await.is_err() {
                return;
            }
        }
    });

    while let Some(Ok(message)) = source.next().await {
        if message.is_binary() {
            for (peer, queue) in room.lock().unwrap().iter() {
                if *peer != id {
                    // The payload is reference-counted: cloning does not copy the frame.
                    let _ = queue.send(message.clone());
                }
            }
        }
    }
    // Dropping our queue ends the writer once it has sent what is left.
    room.lock().unwrap().retain(|(peer, _)| *peer != id);
    let _ = writer.await;
}

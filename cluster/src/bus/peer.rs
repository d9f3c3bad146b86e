//! One ordered queue per other instance. Rooms push frames for that instance's connections,
//! connections push commands for rooms held there, and a task publishes whatever has gathered
//! as one envelope: under load one publish carries many items, and a frame broadcast to many
//! of the instance's connections travels once, with the list of those connections.

use std::{collections::HashMap, sync::Arc};

use bytes::Bytes;
use parking_lot::Mutex;
use pianorhythm_engine::{metrics, outbox, shutdown::Shutdown};
use tokio::sync::mpsc;

use super::{wire, Bus};

/// Items one instance may have waiting for another before frames are dropped.
const PEER_QUEUE_CAPACITY: usize = 64 * 1024;
/// Most items one publish carries.
const PUBLISH_BATCH: usize = 1024;

/// Something to send to another instance.
#[derive(Debug)]
pub enum PeerItem {
    /// A frame for one of its connections.
    Frame { connection: u64, frame: Bytes },
    /// Anything else, as it goes on the wire (boxed: frames are the common case).
    Item(Box<wire::item::Kind>),
}

/// The sending end of the queue to one other instance.
#[derive(Debug)]
pub struct PeerLink {
    /// The instance this goes to.
    instance: Arc<str>,
    /// Drained, in order, by the link's publisher.
    queue: mpsc::Sender<PeerItem>,
}

impl outbox::PeerLink for PeerLink {
    fn instance(&self) -> &Arc<str> {
        &self.instance
    }

    /// Queues a frame for one of the instance's connections without waiting; when the queue
    /// is full (the bus is stuck) the frame is dropped and counted.
    fn push_frame(&self, connection: u64, frame: Bytes) {
        if let Err(mpsc::error::TrySendError::Full(_)) =
            self.queue.try_send(PeerItem::Frame { connection, frame })
        {
            metrics::instruments().outbox_overflows.increment(1);
            tracing::warn!(instance = %self.instance, "the bus queue is full; a frame is dropped");
        }
    }
}

impl PeerLink {
    /// Queues anything else, waiting for room; fails only once the link is closed.
    pub async fn send(&self, item: wire::item::Kind) -> Result<(), LinkClosed> {
        self.queue
            .send(PeerItem::Item(Box::new(item)))
            .await
            .map_err(|_| LinkClosed)
    }
}

#[derive(Debug)]
pub struct LinkClosed;

/// The links to every instance this one talks to.
pub struct Peers {
    /// Where the links' publishers publish.
    bus: Bus,
    /// The link to each instance this one has talked to.
    links: Mutex<HashMap<Arc<str>, Arc<PeerLink>>>,
    /// Ends the publishers.
    shutdown: Shutdown,
}

impl Peers {
    pub fn new(bus: Bus, shutdown: Shutdown) -> Arc<Self> {
        Arc::new(Self {
            bus,
            links: Mutex::default(),
            shutdown,
        })
    }

    /// This instance's id on the bus.
    pub fn here(&self) -> &Arc<str> {
        self.bus.instance()
    }

    /// The link to `instance`, started on first use.
    pub fn link(&self, instance: &str) -> Arc<PeerLink> {
        let mut links = self.links.lock();
        if let Some(link) = links.get(instance) {
            return link.clone();
        }
        let (queue, receiver) = mpsc::channel(PEER_QUEUE_CAPACITY);
        let link = Arc::new(PeerLink {
            instance: instance.into(),
            queue,
        });
        links.insert(link.instance.clone(), link.clone());
        let publisher = Publisher {
            bus: self.bus.clone(),
            instance: link.instance.clone(),
        };
        tokio::spawn(publisher.run(receiver, self.shutdown.clone()));
        link
    }

    /// The instances this one has a link to.
    pub fn known(&self) -> Vec<Arc<str>> {
        self.links.lock().keys().cloned().collect()
    }

    /// Drops the link to an instance that has gone; its publisher ends once the rooms holding
    /// the link have let go of it.
    pub fn forget(&self, instance: &str) {
        self.links.lock().remove(instance);
    }
}

/// Publishes one link's queue, in order.
struct Publisher {
    /// Where to publish.
    bus: Bus,
    /// Whose channel the queue goes to.
    instance: Arc<str>,
}

impl Publisher {
    async fn run(self, mut queue: mpsc::Receiver<PeerItem>, shutdown: Shutdown) {
        let mut taken = Vec::with_capacity(PUBLISH_BATCH);
        while let Some(count) = shutdown
            .run_until_cancelled(queue.recv_many(&mut taken, PUBLISH_BATCH))
            .await
        {
            if count == 0 {
                return;
            }
            let items = gather(taken.drain(..));
            if let Err(error) = self.bus.publish(&self.instance, items).await {
                tracing::warn!(instance = %self.instance, %error, "cannot publish on the bus");
            }
        }
    }
}

/// Turns queued items into wire items, sending a frame that several connections in a row
/// receive (a broadcast) once, with all of them.
fn gather(queued: impl Iterator<Item = PeerItem>) -> Vec<wire::Item> {
    let mut items: Vec<wire::Item> = Vec::new();
    let mut last_frame: Option<Bytes> = None;
    for item in queued {
        match item {
            PeerItem::Frame { connection, frame } => {
                let same = last_frame.as_ref().is_some_and(|last| {
                    last.as_ptr() == frame.as_ptr() && last.len() == frame.len()
                });
                if same {
                    if let Some(wire::item::Kind::Delivery(delivery)) =
                        items.last_mut().and_then(|item| item.kind.as_mut())
                    {
                        delivery.connections.push(connection);
                        continue;
                    }
                }
                last_frame = Some(frame.clone());
                items.push(wire::Item {
                    kind: Some(wire::item::Kind::Delivery(wire::Delivery {
                        frame: frame.to_vec(),
                        connections: vec![connection],
                    })),
                });
            }
            PeerItem::Item(kind) => {
                last_frame = None;
                items.push(wire::Item { kind: Some(*kind) });
            }
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deliveries(items: &[wire::Item]) -> Vec<(Vec<u8>, Vec<u64>)> {
        items
            .iter()
            .map(|item| match &item.kind {
                Some(wire::item::Kind::Delivery(delivery)) => {
                    (delivery.frame.clone(), delivery.connections.clone())
                }
                other => panic!("expected a delivery, got {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_broadcast_travels_once_with_its_connections() {
        let shared = Bytes::from_static(b"notes");
        let queued = [1, 2, 3].map(|connection| PeerItem::Frame {
            connection,
            frame: shared.clone(),
        });
        let items = gather(queued.into_iter());
        assert_eq!(deliveries(&items), [(b"notes".to_vec(), vec![1, 2, 3])]);
    }

    #[test]
    fn equal_bytes_from_different_frames_and_order_are_kept() {
        let queued = vec![
            PeerItem::Frame {
                connection: 1,
                frame: Bytes::from(b"a".to_vec()),
            },
            PeerItem::Frame {
                connection: 2,
                frame: Bytes::from(b"a".to_vec()),
            },
            PeerItem::Frame {
                connection: 1,
                frame: Bytes::from_static(b"b"),
            },
        ];
        let items = gather(queued.into_iter());
        assert_eq!(
            deliveries(&items),
            [
                (b"a".to_vec(), vec![1]),
                (b"a".to_vec(), vec![2]),
                (b"b".to_vec(), vec![1]),
            ]
        );
    }

    #[test]
    fn other_items_break_a_run_of_one_frame() {
        let shared = Bytes::from_static(b"x");
        let queued = vec![
            PeerItem::Frame {
                connection: 1,
                frame: shared.clone(),
            },
            PeerItem::Item(Box::new(wire::item::Kind::ProbeSentAt(1.0))),
            PeerItem::Frame {
                connection: 2,
                frame: shared,
            },
        ];
        let items = gather(queued.into_iter());
        assert_eq!(items.len(), 3);
    }
}

//! A TCP proxy that can cut a server off from what it connects to (as a network partition
//! would), and restore the link.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use parking_lot::Mutex;
use tokio::{
    net::{TcpListener, TcpStream},
    task::AbortHandle,
};

pub struct CuttableLink {
    /// Where to connect instead of the upstream.
    pub address: SocketAddr,
    /// Whether the link is cut now.
    cut: Arc<AtomicBool>,
    /// The links carried now, ended by a cut.
    links: Arc<Mutex<Vec<AbortHandle>>>,
    /// The task taking new connections.
    accept: AbortHandle,
}

impl CuttableLink {
    /// Starts carrying connections to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let cut = Arc::new(AtomicBool::new(false));
        let links = Arc::new(Mutex::new(Vec::new()));
        let accept = tokio::spawn({
            let (cut, links) = (cut.clone(), links.clone());
            async move {
                while let Ok((mut client, _)) = listener.accept().await {
                    if cut.load(Ordering::SeqCst) {
                        continue; // Dropped at once: refused while cut.
                    }
                    let link = tokio::spawn(async move {
                        if let Ok(mut server) = TcpStream::connect(upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    });
                    links.lock().push(link.abort_handle());
                }
            }
        })
        .abort_handle();
        Self {
            address,
            cut,
            links,
            accept,
        }
    }

    /// Ends every connection carried and refuses new ones until [`CuttableLink::restore`].
    pub fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for link in self.links.lock().drain(..) {
            link.abort();
        }
    }

    pub fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for CuttableLink {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

//! The player's own address when the server sits behind reverse proxies (a load balancer, an
//! ingress): per-address limits, bans and audit entries must see the player, not the proxy.
//!
//! Only the proxies listed in `TRUSTED_PROXIES` are believed. Each appends the address it got
//! the request from to `X-Forwarded-For`, so the player is the last address in that header that
//! is not itself a trusted proxy; whatever stands left of it was written by the client and may
//! be a lie. With no trusted proxy, the header is ignored.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::HeaderValue,
    middleware::{self, Next},
    response::Response,
    Router,
};
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    /// From `TRUSTED_PROXIES`: addresses or networks (`10.0.0.0/8`), comma-separated.
    pub fn parse(list: &str) -> Result<Self, String> {
        let networks = list
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{item:?} is neither an address nor a network"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(Arc::new(networks)))
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&address))
    }

    /// The client's address, for a request from `peer` carrying these `X-Forwarded-For`
    /// headers (in the order they came).
    pub fn client<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl Iterator<Item = &'a HeaderValue>,
    ) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let mut hops: Vec<&str> = Vec::new();
        for header in forwarded_for {
            let Ok(text) = header.to_str() else {
                return peer;
            };
            hops.extend(text.split(',').map(str::trim));
        }
        let mut client = peer;
        for hop in hops.iter().rev() {
            // A proxy we trust wrote what is right of here; an unreadable hop is no address to
            // believe, so the last believable one stands.
            let Ok(address) = hop.parse::<IpAddr>().map(|address| address.to_canonical()) else {
                return client;
            };
            client = address;
            if !self.trusts(address) {
                break;
            }
        }
        client
    }
}

/// Makes every handler's `ConnectInfo` the client's address, as [`TrustedProxies::client`]
/// finds it (the port stays the peer's).
pub fn from_trusted_proxies<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    trusted: TrustedProxies,
) -> Router<S> {
    if trusted.0.is_empty() {
        return router;
    }
    router.layer(middleware::from_fn_with_state(trusted, rewrite_peer))
}

async fn rewrite_peer(
    State(trusted): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let client = trusted.client(
            peer.ip(),
            request.headers().get_all("x-forwarded-for").iter(),
        );
        let port = peer.port();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(client, port)));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(trusted: &str, peer: &str, headers: &[&str]) -> String {
        let headers: Vec<HeaderValue> = headers.iter().map(|h| h.parse().unwrap()).collect();
        TrustedProxies::parse(trusted)
            .unwrap()
            .client(peer.parse().unwrap(), headers.iter())
            .to_string()
    }

    #[test]
    fn only_a_trusted_proxy_is_believed() {
        assert_eq!(client("", "203.0.113.9", &["1.2.3.4"]), "203.0.113.9");
        assert_eq!(
            client("10.0.0.0/8", "203.0.113.9", &["1.2.3.4"]),
            "203.0.113.9"
        );
        assert_eq!(client("10.0.0.0/8", "10.1.2.3", &["1.2.3.4"]), "1.2.3.4");
        assert_eq!(client("10.0.0.0/8", "10.1.2.3", &[]), "10.1.2.3");
    }

    #[test]
    fn the_client_is_the_last_untrusted_hop_whatever_it_claims() {
        // The client wrote "6.6.6.6"; the proxy appended the address it really came from.
        assert_eq!(
            client("10.0.0.0/8", "10.0.0.1", &["6.6.6.6, 1.2.3.4"]),
            "1.2.3.4"
        );
        // Two proxies in a row, and the header split over two lines.
        assert_eq!(
            client(
                "10.0.0.0/8, 192.168.1.1",
                "10.0.0.1",
                &["6.6.6.6", "1.2.3.4, 192.168.1.1"]
            ),
            "1.2.3.4"
        );
        // Garbage where a trusted proxy would have written an address: the last good one.
        assert_eq!(
            client("10.0.0.0/8", "10.0.0.1", &["1.2.3.4, junk"]),
            "10.0.0.1"
        );
        assert_eq!(
            client("10.0.0.0/8", "10.0.0.1", &["junk, 1.2.3.4"]),
            "1.2.3.4"
        );
        // Only proxies: the farthest one.
        assert_eq!(client("10.0.0.0/8", "10.0.0.1", &["10.0.0.7"]), "10.0.0.7");
        assert_eq!(client("::1", "::1", &["2001:db8::5"]), "2001:db8::5");
        assert_eq!(
            client("127.0.0.1", "::ffff:127.0.0.1", &["1.2.3.4"]),
            "1.2.3.4"
        );
    }

    #[test]
    fn a_list_that_is_not_addresses_is_refused_by_item() {
        assert!(TrustedProxies::parse("10.0.0.0/8, 127.0.0.1, ::1").is_ok());
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
        let error = TrustedProxies::parse("10.0.0.0/8, proxy.local").unwrap_err();
        assert!(error.contains("proxy.local"), "{error}");
    }
}

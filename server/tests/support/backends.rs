//! A server that signs players in with the local OAuth provider, on the embedded SQLite store
//! or, given a SecantusDB server, on MongoDB: the tests that hold a rule on both backends run
//! the same body on each.

use pianorhythm_store::StoreConfig;
use pianorhythm_test_support::secantus::Secantus;
use server::config::Config;

use super::oauth_provider::OAuthProvider;
use crate::common::TestServer;

/// The server, on MongoDB when `mongo` is given, its configuration adjusted by `adjust`.
pub async fn server_on(
    provider: &OAuthProvider,
    mongo: Option<&Secantus>,
    adjust: impl FnOnce(&mut Config),
) -> TestServer {
    let providers = provider.providers();
    let uri = mongo.map(|mongo| mongo.uri.clone());
    TestServer::start_ready_with(move |config: &mut Config| {
        config.accounts.providers = providers;
        if let Some(uri) = uri {
            config.store = StoreConfig::MongoDb {
                uri,
                database: "server".into(),
            };
        }
        adjust(config);
    })
    .await
}

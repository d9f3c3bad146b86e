//! Telling the browser, in the page the server renders, which lazy modules it will need.

use std::{
    future::Future,
    pin::pin,
    task::{Context, Waker},
};

/// Runs a `#[lazy]` function's server side, which registers its modules to be preloaded with
/// the page, so the browser fetches them together with the app instead of after it.
/// A lazy function's server side is an `async fn` that never waits: one poll runs it whole.
pub fn lazy_modules_of<F: Future>(lazy_function: F) {
    let mut lazy_function = pin!(lazy_function);
    let _ = lazy_function
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()));
}

//! A steady tick that a hidden page does not slow down, for the sheet player's look-ahead.
//!
//! Browsers throttle the timers of a page that is hidden (a background tab: once a second, and
//! once a minute after a while), so a sheet ticked by the page's own interval would send its
//! notes late, or not in time to be heard in rhythm. A dedicated worker's timers are not
//! throttled that way: the worker (`frontend/ticker.js`, served from `/pkg`, which the page's
//! `worker-src 'self'` allows) posts a message every period and the page ticks on each. If no
//! worker can be started, or its script fails to load, the page's own interval ticks instead.

use std::{cell::RefCell, rc::Rc, time::Duration};

use leptos::prelude::{set_interval_with_handle, IntervalHandle};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Event, MessageEvent, Worker};

/// The worker's script.
const SCRIPT: &str = "/pkg/ticker.js";

/// Ticks until dropped.
pub struct Ticker {
    /// What drives the ticks.
    source: Source,
}

enum Source {
    Worker {
        /// Posts a message every period.
        worker: Worker,
        /// Runs the tick on each message; kept as long as the worker runs.
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        /// Starts `fallback` if the worker's script cannot run; kept as long as the worker.
        _on_error: Closure<dyn FnMut(Event)>,
        /// The page's own timer, ticking in the worker's place once it failed.
        fallback: Rc<RefCell<Option<IntervalHandle>>>,
    },
    /// The page's own timer, when no worker could be started.
    Interval(IntervalHandle),
}

impl Ticker {
    /// Runs `tick` every `period`; `None` if the browser would not run any timer.
    pub fn start(period: Duration, tick: fn()) -> Option<Self> {
        let source = match worker(period, tick) {
            Some(source) => source,
            None => Source::Interval(set_interval_with_handle(tick, period).ok()?),
        };
        Some(Self { source })
    }
}

/// A worker posting a message every `period`, each running `tick`.
fn worker(period: Duration, tick: fn()) -> Option<Source> {
    let worker = Worker::new(SCRIPT).ok()?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| tick());
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let fallback = Rc::new(RefCell::new(None));
    let on_error = Closure::<dyn FnMut(Event)>::new({
        let fallback = fallback.clone();
        move |_: Event| {
            let mut fallback = fallback.borrow_mut();
            if fallback.is_none() {
                *fallback = set_interval_with_handle(tick, period).ok();
            }
        }
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let period_ms = u32::try_from(period.as_millis()).unwrap_or(u32::MAX);
    if worker.post_message(&period_ms.into()).is_err() {
        worker.terminate();
        return None;
    }
    Some(Source::Worker {
        worker,
        _on_message: on_message,
        _on_error: on_error,
        fallback,
    })
}

impl Drop for Ticker {
    fn drop(&mut self) {
        match &self.source {
            Source::Worker {
                worker, fallback, ..
            } => {
                worker.set_onmessage(None);
                worker.set_onerror(None);
                worker.terminate();
                if let Some(interval) = fallback.borrow_mut().take() {
                    interval.clear();
                }
            }
            Source::Interval(interval) => interval.clear(),
        }
    }
}

//! Code that only exists in the browser build: it talks to browser APIs through web-sys.

pub mod socket;

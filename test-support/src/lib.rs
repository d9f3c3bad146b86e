//! What the tests and benchmarks of several crates share; a dev-dependency only.
//!
//! Layout:
//! - [`secantus`]: a real MongoDB-protocol server (SecantusDB) started per test.
//! - [`bench`]: latency sampling for the benchmarks.

pub mod bench;
pub mod secantus;

//! The contract's cases, by aggregate. Each takes a fresh backend.

mod chat_audit_sessions;
mod durability;
mod rooms;
mod sheets;
mod users;

pub use chat_audit_sessions::*;
pub use durability::*;
pub use rooms::*;
pub use sheets::*;
pub use users::*;

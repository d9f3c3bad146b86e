//! The contract's cases, by aggregate. Each takes a fresh backend.

mod blocks;
mod chat_audit_sessions;
mod durability;
mod friends;
mod inbox;
mod logins;
mod refresh_tokens;
mod rooms;
mod sheet_search;
mod sheet_timelines;
mod sheet_updates;
mod sheets;
mod staff;
mod users;

pub use blocks::*;
pub use chat_audit_sessions::*;
pub use durability::*;
pub use friends::*;
pub use inbox::*;
pub use logins::*;
pub use refresh_tokens::*;
pub use rooms::*;
pub use sheet_search::*;
pub use sheet_timelines::*;
pub use sheet_updates::*;
pub use sheets::*;
pub use staff::*;
pub use users::*;

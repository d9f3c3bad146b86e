//! Accounts: signing in with OAuth providers, sessions that hold an account, API tokens,
//! profiles and settings, and the moderators' and admins' account actions.
//!
//! - `providers`: which OAuth providers are configured
//! - `oauth`: the authorization-code flow with PKCE and reading who signed in
//! - `keys`: the Ed25519 key that signs access tokens
//! - `tokens`: access tokens (JWT) and refresh tokens
//! - `purge`: the periodic removal of expired refresh tokens
//! - `identity`: who is asking (guest or account) and from where
//! - `audit_trail`: audit entries for what a person did through a request
//! - `service`: [`Accounts`], the one service behind pages, server functions, REST and `/ws`
//! - `pages`: [`Accounts`] as the account pages' server functions reach it
//! - `pending`: the sign-in on its way to the provider, in a signed cookie of its own
//! - `sign_in`: starting and finishing a sign-in, choosing a usertag, signing out
//! - `profiles`: one's profile and settings, and public profiles
//! - `staff`: roles and site bans
//! - `staff_pages`: the audit log by filter and the site bans in force, for the staff pages

pub mod audit_trail;
mod identity;
pub mod keys;
pub mod oauth;
mod pages;
mod pending;
mod profiles;
pub mod providers;
pub mod purge;
mod service;
mod sign_in;
mod staff;
mod staff_pages;
pub mod tokens;

pub use identity::{Caller, Identity};
pub use providers::{Provider, Providers};
pub use service::{signed_in_account, Accounts, AccountsConfig, TokenPair};
pub use staff_pages::{AuditQuery, MAX_PAGE};
pub use tokens::TicketClaims;

//! Room passwords, kept only as argon2 hashes and checked off the async threads.
//!
//! Hashing is deliberately slow (tens of milliseconds), so it runs on the blocking pool: a
//! room's actor never waits for it, and neither do the other connections. The comparison
//! inside `verify_password` is constant-time.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

/// Hashes running at once: each takes about 19 MiB and a core for tens of milliseconds, so a
/// crowd of guesses queues here instead of taking the machine's memory and every core.
static HASHING: Semaphore = Semaphore::const_new(2);

/// Hashes a password for storage (a PHC string: algorithm, parameters, salt and hash).
pub async fn hash(password: String) -> String {
    let _turn = HASHING.acquire().await.expect("never closed");
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .expect("hashing does not panic")
}

/// Whether `password` is the one `hash` was made from.
pub async fn verify(password: String, hash: String) -> bool {
    let _turn = HASHING.acquire().await.expect("never closed");
    tokio::task::spawn_blocking(move || verify_now(&password, &hash))
        .await
        .unwrap_or(false)
}

/// Spends as long as a real check, for rooms that do not exist: the time an answer takes must
/// not tell a private room that exists from one that does not.
pub async fn verify_nothing(password: String) {
    static DECOY: LazyLock<String> = LazyLock::new(|| hash_now("no room has this password"));
    let decoy = DECOY.clone();
    verify(password, decoy).await;
}

/// What shows a room that its joiner knew the password: a digest of the room's hash. Unlike
/// the hash (which holds the salt), it gives nothing to guess the password with, so it may
/// travel in a room ticket, which is signed but readable; a new password makes it worthless.
pub fn proof_of(hash: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(hash.as_bytes()))
}

/// Whether a stored value is already a hash (rooms stored before hashing hold plain text).
pub fn is_hash(stored: &str) -> bool {
    PasswordHash::new(stored).is_ok()
}

fn hash_now(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("the default parameters accept any password")
        .to_string()
}

fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_their_password_only() {
        let hashed = hash("hunter2".into()).await;
        assert!(is_hash(&hashed));
        assert!(!hashed.contains("hunter2"));
        assert!(verify("hunter2".into(), hashed.clone()).await);
        assert!(!verify("hunter3".into(), hashed.clone()).await);
        assert!(!verify("hunter2".into(), "hunter2".into()).await);
        assert_ne!(hash("hunter2".into()).await, hashed, "salted");
    }

    #[test]
    fn a_proof_names_one_hash_and_does_not_contain_it() {
        let proof = proof_of("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
        assert_eq!(
            proof,
            proof_of("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
        );
        assert_ne!(
            proof,
            proof_of("$argon2id$v=19$m=19456,t=2,p=1$c2FsdB$aGFzaA")
        );
        assert!(!proof.contains("c2FsdA"));
    }

    #[test]
    fn plain_text_is_not_a_hash() {
        assert!(!is_hash("hunter2"));
        assert!(!is_hash(""));
    }
}

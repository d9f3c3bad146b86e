//! The Ed25519 key that signs API access tokens: from `JWT_PRIVATE_KEY` (PEM), or generated
//! once and kept in `DATA_DIR`, so tokens stay valid across restarts.

use std::{fs, io, path::Path};

use ed25519_dalek::{
    pkcs8::{spki::der::pem::LineEnding, DecodePrivateKey, EncodePrivateKey},
    SigningKey,
};

/// The file under `DATA_DIR` a generated key is kept in.
pub const KEY_FILE: &str = "jwt-ed25519.pem";

/// The configured key, else the kept one, else a new one (kept for next time).
pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> io::Result<SigningKey> {
    if let Some(pem) = configured {
        return parse(pem);
    }
    let path = data_dir.join(KEY_FILE);
    match fs::read_to_string(&path) {
        Ok(pem) => parse(&pem),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let key = SigningKey::generate(&mut rand_core::OsRng);
            let pem = key
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|error| io::Error::other(format!("cannot encode the key: {error}")))?;
            fs::create_dir_all(data_dir)?;
            match keep_private(&path, pem.as_bytes()) {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "generated the token signing key");
                    Ok(key)
                }
                // Another instance sharing DATA_DIR kept its key first: every instance must
                // sign with one key, so that one is used.
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    parse(&fs::read_to_string(&path)?)
                }
                Err(error) => Err(error),
            }
        }
        Err(error) => Err(error),
    }
}

fn parse(pem: &str) -> io::Result<SigningKey> {
    SigningKey::from_pkcs8_pem(pem.trim()).map_err(|error| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the token signing key is not an Ed25519 PKCS#8 PEM: {error}"),
        )
    })
}

/// Keeps the key at `path`, readable by this user only, never over an existing file (then
/// `AlreadyExists`). The key is written whole to a draft of its own first and then
/// linked into place, so an instance starting at the same moment reads either no key or the
/// whole of it.
fn keep_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let draft = path.with_extension(format!("pem.{:016x}", rand::random::<u64>()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&draft)
        .and_then(|mut file| file.write_all(contents).and_then(|()| file.sync_all()));
    let kept = written.and_then(|()| fs::hard_link(&draft, path));
    let _ = fs::remove_file(&draft);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_is_kept_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(None, dir.path()).unwrap();
        let again = load_or_create(None, dir.path()).unwrap();
        assert_eq!(first.to_bytes(), again.to_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn instances_starting_together_end_up_with_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let keys: Vec<[u8; 32]> = std::thread::scope(|scope| {
            let racers: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| load_or_create(None, dir.path()).unwrap().to_bytes()))
                .collect();
            racers
                .into_iter()
                .map(|racer| racer.join().unwrap())
                .collect()
        });
        assert!(keys.iter().all(|key| *key == keys[0]));
        // Only the key is left in the folder: no draft behind.
        let files: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1);
    }

    #[test]
    fn a_configured_key_wins_and_garbage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::generate(&mut rand_core::OsRng);
        let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap();
        let loaded = load_or_create(Some(&pem), dir.path()).unwrap();
        assert_eq!(loaded.to_bytes(), key.to_bytes());
        assert!(!dir.path().join(KEY_FILE).exists());
        assert!(load_or_create(Some("not a key"), dir.path()).is_err());
    }
}

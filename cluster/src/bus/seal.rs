//! Every message on the bus is sealed: an HMAC-SHA256 under the deployment's shared secret
//! (`BUS_SECRET`) over the channel it is published on and the envelope's bytes. Redis is
//! reachable by more than the instances (anything holding its password, any pod the network
//! lets through), and an envelope says on its own who sent it and with which role: only what
//! an instance of this deployment sealed for this channel is believed.
//!
//! A payload is `VERSION`, the 32-byte tag, then the encoded envelope. The version byte lets a
//! later format be told apart from this one instead of failing its check unexplained.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The format of a sealed payload; anything else is refused.
const VERSION: u8 = 1;
/// An HMAC-SHA256 tag's length.
const TAG_LEN: usize = 32;
/// The shortest secret accepted: 32 bytes, as many as the hash's output.
pub const MIN_SECRET_LEN: usize = 32;

/// Why a payload was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unsealed {
    #[error("shorter than a sealed envelope")]
    Truncated,
    #[error("sealed in format {0}, not {VERSION}")]
    Version(u8),
    #[error("its MAC does not match: not sealed with this BUS_SECRET, or changed on the way")]
    Forged,
}

/// The deployment's shared secret, ready to seal and check envelopes.
#[derive(Clone)]
pub struct BusKey {
    /// The keyed hash before any input: cloned for each message rather than keyed again.
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for BusKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("BusKey(..)")
    }
}

impl BusKey {
    /// From `BUS_SECRET`; refuses a secret shorter than [`MIN_SECRET_LEN`] bytes.
    pub fn new(secret: &str) -> Result<Self, String> {
        let secret = secret.trim();
        if secret.len() < MIN_SECRET_LEN {
            return Err(format!(
                "BUS_SECRET must be at least {MIN_SECRET_LEN} characters \
                 (e.g. `openssl rand -hex 32`), the same on every instance"
            ));
        }
        let mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
            .expect("HMAC takes a key of any length");
        Ok(Self { mac })
    }

    /// `envelope` sealed for `channel`.
    pub fn seal(&self, channel: &str, envelope: &[u8]) -> Vec<u8> {
        let tag = self.tag(channel, envelope).finalize().into_bytes();
        let mut payload = Vec::with_capacity(1 + TAG_LEN + envelope.len());
        payload.push(VERSION);
        payload.extend_from_slice(&tag);
        payload.extend_from_slice(envelope);
        payload
    }

    /// The envelope's bytes in `payload`, if it was sealed with this key for `channel`. The
    /// tag is compared in constant time.
    pub fn open<'a>(&self, channel: &str, payload: &'a [u8]) -> Result<&'a [u8], Unsealed> {
        let (&version, rest) = payload.split_first().ok_or(Unsealed::Truncated)?;
        if version != VERSION {
            return Err(Unsealed::Version(version));
        }
        if rest.len() < TAG_LEN {
            return Err(Unsealed::Truncated);
        }
        let (tag, envelope) = rest.split_at(TAG_LEN);
        self.tag(channel, envelope)
            .verify_slice(tag)
            .map_err(|_| Unsealed::Forged)?;
        Ok(envelope)
    }

    /// The hash over the channel (which never holds a NUL, so the two cannot run together)
    /// and the envelope: a message sealed for one instance is refused on another's channel.
    fn tag(&self, channel: &str, envelope: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(channel.as_bytes());
        mac.update(&[0]);
        mac.update(envelope);
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";
    const CHANNEL: &str = "pianorhythm:instance:a";

    fn key() -> BusKey {
        BusKey::new(SECRET).unwrap()
    }

    #[test]
    fn a_sealed_envelope_opens_with_the_same_secret() {
        let payload = key().seal(CHANNEL, b"envelope");
        assert_eq!(key().open(CHANNEL, &payload), Ok(&b"envelope"[..]));
    }

    #[test]
    fn any_changed_byte_is_refused() {
        let payload = key().seal(CHANNEL, b"envelope");
        for at in 1..payload.len() {
            let mut changed = payload.clone();
            changed[at] ^= 0x01;
            assert_eq!(key().open(CHANNEL, &changed), Err(Unsealed::Forged), "{at}");
        }
    }

    #[test]
    fn another_secret_is_refused() {
        let other = BusKey::new("fedcba9876543210fedcba9876543210").unwrap();
        let payload = other.seal(CHANNEL, b"envelope");
        assert_eq!(key().open(CHANNEL, &payload), Err(Unsealed::Forged));
    }

    #[test]
    fn a_truncated_payload_is_refused() {
        let payload = key().seal(CHANNEL, b"envelope");
        for len in 0..payload.len() {
            let cut = &payload[..len];
            let expected = if len < 1 + TAG_LEN {
                Unsealed::Truncated
            } else {
                Unsealed::Forged
            };
            assert_eq!(key().open(CHANNEL, cut), Err(expected), "{len}");
        }
    }

    #[test]
    fn an_unsealed_envelope_is_refused() {
        // A plain envelope, as the bus carried before: its first byte is a protobuf tag.
        assert!(key().open(CHANNEL, b"\x0a\x01a").is_err());
    }

    #[test]
    fn another_format_is_refused_by_its_version() {
        let mut payload = key().seal(CHANNEL, b"envelope");
        payload[0] = 2;
        assert_eq!(key().open(CHANNEL, &payload), Err(Unsealed::Version(2)));
    }

    #[test]
    fn a_message_sealed_for_another_channel_is_refused() {
        let payload = key().seal("pianorhythm:instance:b", b"envelope");
        assert_eq!(key().open(CHANNEL, &payload), Err(Unsealed::Forged));
    }

    #[test]
    fn a_short_secret_is_refused_with_its_name() {
        let error = BusKey::new("secret").unwrap_err();
        assert!(error.contains("BUS_SECRET"), "{error}");
    }
}

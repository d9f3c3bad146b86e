//! The Content-Security-Policy of every page, sent with the nonce Leptos gives this response's
//! inline scripts (the hydration script), so no other inline script can run.

use leptos::{nonce::use_nonce, prelude::use_context};
use pianorhythm_api::services::AvatarHosts;

/// What pages may load: their own scripts (and the one inline hydration script, by nonce), the
/// wasm (`'wasm-unsafe-eval'`), their own styles plus `style` attributes (the keys' colours),
/// images from here, inline, or (avatars) `https` from `avatar_hosts`, and connections
/// (fetches, the WebSocket) to this site only. Workers run only this site's scripts (the sheet
/// player's ticker): no `blob:` or `data:`. Nothing may frame them, and forms post only here.
pub fn content_security_policy(nonce: &str, avatar_hosts: &[String]) -> String {
    let avatars: String = avatar_hosts
        .iter()
        .map(|host| format!(" https://{host}"))
        .collect();
    [
        "default-src 'self'".to_owned(),
        format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        "style-src 'self'".to_owned(),
        "style-src-attr 'unsafe-inline'".to_owned(),
        format!("img-src 'self' data:{avatars}"),
        "connect-src 'self'".to_owned(),
        "worker-src 'self'".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'self'".to_owned(),
        "frame-ancestors 'none'".to_owned(),
    ]
    .join("; ")
}

/// Adds the policy to the response being rendered.
pub fn send_content_security_policy() {
    let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let hosts = use_context::<AvatarHosts>().unwrap_or_default();
    if let Ok(policy) = http::HeaderValue::from_str(&content_security_policy(&nonce, &hosts.0)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_this_nonce_and_nothing_inline_otherwise() {
        let policy = content_security_policy("abc123", &[]);
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("worker-src 'self';"));
        assert!(!policy.contains("'unsafe-eval'"));
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"));
        assert!(policy.contains("img-src 'self' data:;"));
    }

    #[test]
    fn images_come_from_the_avatar_hosts_over_https_only() {
        let hosts = ["cdn.discordapp.com".to_owned(), "a.example".to_owned()];
        let policy = content_security_policy("n", &hosts);
        assert!(
            policy.contains("img-src 'self' data: https://cdn.discordapp.com https://a.example;")
        );
    }
}

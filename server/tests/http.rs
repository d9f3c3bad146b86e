//! HTTP behaviour of the real server: health, readiness, pages, assets and the API's error shape.

mod common;

use common::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn health_answers_ok() {
    let server = TestServer::start().await;
    let response = server.get("/health").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "ok"})
    );
}

#[tokio::test]
async fn ready_when_the_client_bundle_is_there() {
    let server = TestServer::start().await;
    let response = server.get("/ready").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "ready"})
    );
}

#[tokio::test]
async fn not_ready_without_the_client_bundle() {
    let server = TestServer::start_with_empty_site().await;
    let response = server.get("/ready").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "not_ready");
    // In words, without the server's paths.
    assert_eq!(body["error"], "the client bundle is not built");
    assert!(body["error"].as_str().unwrap().contains("client bundle"));
}

#[tokio::test]
async fn not_ready_once_shutdown_begins() {
    let server = TestServer::start().await;
    // Keep a connection open so the request after shutdown can still be made on it.
    assert_eq!(server.get("/ready").await.status(), StatusCode::OK);
    server.server.begin_shutdown();
    match server.http.get(server.url("/ready")).send().await {
        Ok(response) => assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE),
        // The listener may already be closed: also not ready.
        Err(error) => assert!(error.is_connect() || error.is_request(), "{error}"),
    }
}

#[tokio::test]
async fn lobby_is_rendered_on_the_server() {
    let server = TestServer::start().await;
    let response = server.get("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("<title>Play piano together online · PianoRhythm</title>"),
        "{html}"
    );
    // The Lobby's entry, its name followed by a hydration marker or the closing tag.
    assert!(html.contains(r#"<span class="room-name">Lobby<"#), "{html}");
    assert!(html.contains(r#"data-state="offline""#), "{html}");
    // The page loads the client bundle that hydrates it.
    assert!(html.contains("/pkg/pianorhythm.js"), "{html}");
}

#[tokio::test]
async fn every_page_has_its_own_title_and_description_and_a_room_a_preview() {
    let server = TestServer::start().await;
    let pages = [
        ("/", "Play piano together online"),
        ("/room/Jazz%20Club", "Jazz Club"),
        ("/sheets", "Sheet music"),
        ("/sheets/new", "Upload a sheet"),
        ("/sheets/665f1d009b1e8a0012ab34d0", "Sheet music"),
        ("/signin", "Sign in"),
        ("/settings", "Settings"),
        ("/profile", "Your profile"),
        ("/user/ada", "@ada"),
        ("/friends", "Friends"),
        ("/messages", "Messages"),
        ("/notifications", "Notifications"),
        ("/moderation", "Moderation"),
        ("/no/such/page", "Page not found"),
    ];
    for (path, title) in pages {
        let html = server.get(path).await.text().await.unwrap();
        let head = &html[..html.find("</head>").unwrap()];
        let expected = format!("<title>{title} · PianoRhythm</title>");
        assert_eq!(head.matches("<title>").count(), 1, "{path}: {head}");
        assert!(head.contains(&expected), "{path}: {head}");
        if path != "/no/such/page" {
            assert!(
                head.contains(r#"<meta name="description" content=""#),
                "{path}: {head}"
            );
            assert!(
                head.contains(r#"<meta property="og:image" content="/preview.png""#),
                "{path}"
            );
        }
    }
    // A room's link, pasted in a chat, invites to play there.
    let room = server.get("/room/Jazz%20Club").await.text().await.unwrap();
    assert!(
        room.contains(r#"<meta property="og:title" content="Play piano with me in Jazz Club""#),
        "{room}"
    );
    // A name that looks like markup stays text.
    let odd = server
        .get("/room/%3Cb%3EBold%3C%2Fb%3E")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        odd.contains("<title>&lt;b&gt;Bold&lt;/b&gt; · PianoRhythm</title>"),
        "{odd}"
    );
    assert!(!odd.contains("<b>Bold"), "{odd}");
    // And the picture it shows is one of the site's public files (copied into the site root
    // by the build), 1200 × 630 as link previews want.
    let public = concat!(env!("CARGO_MANIFEST_DIR"), "/../public/preview.png");
    let png = std::fs::read(public).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (1200, 630));
    std::fs::write(server.site.path().join("preview.png"), &png).unwrap();
    let image = server.get("/preview.png").await;
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()["content-type"], "image/png");
}

#[tokio::test]
async fn a_guests_theme_comes_from_their_cookie_on_every_page_and_only_known_themes_are_kept() {
    let server = TestServer::start().await;
    let theme_of = |cookie: &'static str, path: &'static str| {
        let request = reqwest::Client::new().get(server.url(path));
        async move {
            let request = match cookie {
                "" => request,
                cookie => request.header("cookie", cookie),
            };
            let html = request.send().await.unwrap().text().await.unwrap();
            let start = html.find("<html").unwrap();
            html[start..start + html[start..].find('>').unwrap()].to_owned()
        }
    };
    assert_eq!(
        theme_of("", "/").await,
        r#"<html lang="en" data-theme="system""#
    );
    for path in ["/", "/room/Lobby", "/sheets", "/settings", "/no/such/page"] {
        let html = theme_of("theme=light", path).await;
        assert_eq!(html, r#"<html lang="en" data-theme="light""#, "{path}");
    }
    // Anything else is the default, never copied into the page.
    let forged = theme_of(r#"theme="><script>"#, "/").await;
    assert_eq!(forged, r#"<html lang="en" data-theme="system""#);

    // Choosing one sets the cookie; an unknown one is refused in words and sets nothing.
    let client = reqwest::Client::new();
    let choose = |theme: &'static str| {
        client
            .post(server.url("/api/choose_theme"))
            .header("accept", "application/json")
            .form(&[("theme", theme)])
            .send()
    };
    let chosen = choose("dark").await.unwrap();
    let cookie = chosen.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("theme=dark; Path=/; Max-Age=31536000"),
        "{cookie}"
    );
    assert_eq!(
        chosen.json::<Value>().await.unwrap(),
        json!({ "Ok": "dark" })
    );
    let refused = choose("purple").await.unwrap();
    assert!(refused
        .headers()
        .get_all("set-cookie")
        .iter()
        .all(|cookie| { !cookie.to_str().unwrap().starts_with("theme=") }));
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["Err"][0]["field"], "theme");
}

#[tokio::test]
async fn unknown_page_gets_the_not_found_page_with_404() {
    let server = TestServer::start().await;
    let response = server.get("/no/such/page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn unknown_api_route_is_a_json_404() {
    let server = TestServer::start().await;
    let response = server.get("/api/v1/no-such-thing").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"error": "no such API route", "code": "not_found"})
    );
}

#[tokio::test]
async fn client_assets_are_compressed_and_revalidated() {
    let server = TestServer::start().await;
    let response = server
        .http
        .get(server.url("/pkg/pianorhythm.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let last_modified = response.headers()["last-modified"].clone();

    let revalidation = server
        .http
        .get(server.url("/pkg/pianorhythm.js"))
        .header("if-modified-since", last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidation.status(), StatusCode::NOT_MODIFIED);
}

/// A worker obeys the policy its script comes with: the socket's worker may connect to this
/// site (and nothing else), which the policy of other assets (`default-src 'none'`) forbids.
#[tokio::test]
async fn the_socket_worker_may_connect_here_and_do_nothing_else() {
    let server = TestServer::start().await;
    let worker = server.site.path().join("pkg/socket-worker.js");
    std::fs::write(&worker, b"onmessage = () => {};").unwrap();
    let response = server.get("/pkg/socket-worker.js").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-security-policy"],
        "default-src 'none'; connect-src 'self'"
    );
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert_eq!(response.text().await.unwrap(), "onmessage = () => {};");

    let other = server.get("/pkg/pianorhythm.js").await;
    assert_eq!(
        other.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
}

/// The build's precompressed copies of a bundle file are served as they are: brotli to browsers
/// that accept it (Chromium sends `gzip, deflate, br, zstd`), gzip to those that accept only
/// gzip, the file itself to the rest.
#[tokio::test]
async fn client_bundle_is_served_from_its_brotli_or_gzip_copy() {
    let server = TestServer::start().await;
    let pkg = server.site.path().join("pkg");
    // Stand-ins: what matters is which file answers, byte for byte.
    std::fs::write(pkg.join("pianorhythm.wasm.br"), b"brotli copy").unwrap();
    std::fs::write(pkg.join("pianorhythm.wasm.gz"), b"gzip copy").unwrap();

    for (accepted, encoding, body) in [
        ("br", Some("br"), &b"brotli copy"[..]),
        ("gzip, deflate, br, zstd", Some("br"), b"brotli copy"),
        ("gzip", Some("gzip"), b"gzip copy"),
        ("identity", None, b"\0asm\x01\0\0\0"),
    ] {
        let response = server
            .http
            .get(server.url("/pkg/pianorhythm.wasm"))
            .header("accept-encoding", accepted)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{accepted}");
        assert_eq!(response.headers()["content-type"], "application/wasm");
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .map(|value| value.to_str().unwrap()),
            encoding,
            "{accepted}"
        );
        assert_eq!(&response.bytes().await.unwrap()[..], body, "{accepted}");
    }
}

/// Samples are named by their content's hash: browsers keep them for a year. Their list changes
/// with every build that changes a sample, so it is revalidated. Neither is gzipped again.
#[tokio::test]
async fn samples_are_kept_for_a_year_and_their_list_is_revalidated() {
    let server = TestServer::start().await;
    let samples = server.site.path().join("samples");
    std::fs::create_dir_all(&samples).unwrap();
    let sample = "piano-60-v10-0123456789abcdef.mp3";
    std::fs::write(samples.join(sample), [0xFF, 0xFB, 0x90, 0x64].repeat(500)).unwrap();
    std::fs::write(
        samples.join("piano.json"),
        format!(r#"{{"samples":["{sample}"]}}"#),
    )
    .unwrap();

    let fetch = |path: String| {
        let request = server
            .http
            .get(server.url(&path))
            .header("accept-encoding", "gzip, deflate, br, zstd");
        async move { request.send().await.unwrap() }
    };
    let response = fetch(format!("/samples/{sample}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "audio/mpeg");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(response.bytes().await.unwrap().len(), 2000);

    let list = fetch("/samples/piano.json".into()).await;
    assert_eq!(list.status(), StatusCode::OK);
    assert_eq!(list.headers()["cache-control"], "no-cache");
    assert!(list.headers().get("last-modified").is_some());

    let missing = fetch("/samples/piano-61-v10-ffffffffffffffff.mp3".into()).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let outside = fetch("/samples/../Cargo.toml".into()).await;
    assert_eq!(outside.status(), StatusCode::NOT_FOUND);
}

/// The built-in instruments, one SoundFont each, are named by their content's hash too: kept
/// for a year, sent as audio (not gzipped again: there is little to gain); their list is
/// revalidated.
#[tokio::test]
async fn instruments_are_kept_for_a_year_and_their_list_is_revalidated() {
    let server = TestServer::start().await;
    let instruments = server.site.path().join("instruments");
    std::fs::create_dir_all(&instruments).unwrap();
    let violin = "0-40.0123456789abcdef.sf2";
    std::fs::write(instruments.join(violin), b"RIFF".repeat(1000)).unwrap();
    std::fs::write(
        instruments.join("instruments.json"),
        r#"{"instruments":[]}"#,
    )
    .unwrap();

    let fetch = |path: &str| {
        let request = server
            .http
            .get(server.url(path))
            .header("accept-encoding", "gzip, deflate, br, zstd");
        async move { request.send().await.unwrap() }
    };
    let response = fetch(&format!("/instruments/{violin}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "audio/x-soundfont");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(response.bytes().await.unwrap().len(), 4000);

    let list = fetch("/instruments/instruments.json").await;
    assert_eq!(list.status(), StatusCode::OK);
    assert_eq!(list.headers()["cache-control"], "no-cache");
    assert_eq!(list.headers()["content-type"], "application/json");

    let missing = fetch("/instruments/0-41.ffffffffffffffff.sf2").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_are_compressed_for_clients_that_accept_it() {
    let server = TestServer::start().await;
    let response = server
        .http
        .get(server.url("/"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
}

/// The nonce a page's Content-Security-Policy allows, checked against its inline scripts.
async fn page_nonce(server: &TestServer) -> String {
    let response = server.get("/").await;
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the policy names a nonce")
        .to_owned();
    let html = response.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        html.matches(" nonce=\"").count(),
        "every nonce on the page is this response's"
    );
    assert!(policy.contains("'wasm-unsafe-eval'"));
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("'unsafe-eval'") && !policy.contains("script-src 'unsafe-inline'"));
    nonce
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_with_a_fresh_nonce() {
    let server = TestServer::start().await;
    let first = page_nonce(&server).await;
    let second = page_nonce(&server).await;
    assert_ne!(first, second);
    assert!(first.len() >= 16);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let server = TestServer::start().await;
    for path in ["/", "/api/v1/rooms/active", "/no/such/page", "/health"] {
        let response = server.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        // Plain HTTP here: no HSTS.
        assert!(!headers.contains_key("strict-transport-security"), "{path}");
    }
    let api = server.get("/api/v1/rooms/active").await;
    assert!(api.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
}

#[tokio::test]
async fn hsts_is_sent_when_cookies_are_secure() {
    let server = TestServer::start_ready_with(|config| config.cookie_secure = true).await;
    let response = server.get("/").await;
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn an_address_over_its_request_rate_gets_429_with_retry_after() {
    let server = TestServer::start_ready_with(|config| {
        config.http.requests_per_second = 1;
        config.http.burst = 5;
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(server.get("/api/v1/rooms/active").await);
    }
    assert!(statuses[..5].iter().all(|r| r.status() == StatusCode::OK));
    let refused = statuses.pop().unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
    // Pages too; probes and the client bundle are not counted.
    assert_eq!(
        server.get("/").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(server.get("/health").await.status(), StatusCode::OK);
    assert_eq!(server.get("/ready").await.status(), StatusCode::OK);
    assert_eq!(
        server.get("/pkg/pianorhythm.js").await.status(),
        StatusCode::OK
    );

    // Another address has its own allowance.
    let elsewhere = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let response = elsewhere
        .get(server.url("/api/v1/rooms/active"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_oversized_body_gets_413_in_the_error_shape() {
    let server = TestServer::start_ready_with(|config| config.http.max_body_bytes = 1024).await;
    let response = server
        .http
        .post(server.url("/api/v1/rooms/active"))
        .body(vec![b'x'; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "too_large");
}

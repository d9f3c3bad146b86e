//! Sheet music through the REST API, with each right: guests, members, the uploader and
//! moderators. Uploads are real files (a Virtual Piano sheet, a MIDI file) checked by the
//! same readers the pages use.

mod common;
mod support {
    pub mod browser;
    pub mod oauth_provider;
}

use common::TestServer;
use pianorhythm_core::{
    domain::sheet_music::{Difficulty, NewSheet, SheetFormat, MAX_SKIP},
    sheet_format::{self, timeline},
};
use pianorhythm_store::{ports::SheetMusicStore, sqlite::SqliteStore};
use reqwest::{multipart, StatusCode};
use serde_json::{json, Value};
use support::{
    browser::{member, Browser},
    oauth_provider::OAuthProvider,
};

const SHEET: &str = "tempo: 100\nt y u [tu] | o p";

async fn server(provider: &OAuthProvider) -> TestServer {
    let providers = provider.providers();
    TestServer::start_ready_with(move |config| {
        config.accounts.providers = providers;
        config.accounts.admins = ["local:root-1".to_owned()].into();
    })
    .await
}

fn form(title: &str, file_name: &str, file: Vec<u8>) -> multipart::Form {
    multipart::Form::new()
        .text("title", title.to_owned())
        .text("category", "Classical")
        .text("difficulty", "beginner")
        .text("tags", "practice, (.*), waltz")
        .part(
            "file",
            multipart::Part::bytes(file).file_name(file_name.to_owned()),
        )
}

async fn upload(browser: &Browser, form: multipart::Form) -> (StatusCode, Value) {
    let response = browser
        .http
        .post(browser.url("/api/v1/sheet_music/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn search(server: &TestServer, body: Value) -> (StatusCode, Value) {
    let response = server
        .http
        .post(server.url("/api/v1/sheet_music/search"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn members_upload_sheets_everyone_finds_and_downloads_them() {
    let provider = OAuthProvider::start().await;
    let server = server(&provider).await;
    let (ada, _) = member(&server, &provider, "ada").await;

    let (status, sheet) = upload(&ada, form("Gymnopédie No. 1", "gymno.txt", SHEET.into())).await;
    assert_eq!(status, StatusCode::CREATED, "{sheet}");
    for field in [
        "id",
        "title",
        "creator",
        "tags",
        "category",
        "difficulty",
        "favorites",
        "downloads",
        "createdAt",
    ] {
        assert!(sheet.get(field).is_some(), "{field} in {sheet}");
    }
    assert_eq!(sheet["creator"], "ada");
    assert_eq!(sheet["category"], "classical");
    let id = sheet["id"].as_str().unwrap().to_owned();

    // Found by title, creator or tag, ignoring case; the text is always literal.
    for text in ["GYMNO", "ada", "WALTZ", "(.*)"] {
        let (status, found) = search(&server, json!({ "query": text })).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(found["total"], 1, "{text}");
        assert_eq!(found["data"][0]["id"], id.as_str());
    }
    for text in ["g.mno", "gym.*", "[a-z]", "%", "_", "nothing like it"] {
        let (_, found) = search(&server, json!({ "query": text })).await;
        assert_eq!(found["total"], 0, "{text} is no pattern");
    }
    let (_, filtered) = search(&server, json!({ "query": "", "difficulty": "expert" })).await;
    assert_eq!(filtered["total"], 0);
    let (status, refused) = search(&server, json!({ "query": "", "limit": 101 })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");

    // Downloads: as uploaded, and as MIDI; each counted.
    let raw = server
        .get(&format!("/api/v1/sheet_music/{id}/download"))
        .await;
    assert_eq!(raw.status(), StatusCode::OK);
    assert!(raw.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    assert_eq!(raw.text().await.unwrap(), SHEET);
    let midi = server
        .get(&format!("/api/v1/sheet_music/{id}/download?format=midi"))
        .await;
    assert_eq!(midi.headers()["content-type"], "audio/midi");
    let bytes = midi.bytes().await.unwrap();
    assert_eq!(&bytes[..4], b"MThd");
    let (_, found) = search(&server, json!({ "query": "gymno" })).await;
    assert_eq!(found["data"][0]["downloads"], 2);

    // A MIDI file uploads too: the one just downloaded.
    let (status, from_midi) =
        upload(&ada, form("Gymnopédie (MIDI)", "gymno.mid", bytes.to_vec())).await;
    assert_eq!(status, StatusCode::CREATED, "{from_midi}");
    let detail: Value = server
        .get(&format!(
            "/api/v1/sheet_music/{}",
            from_midi["id"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["notes"].as_array().unwrap().len(), 7, "{detail}");
    assert_eq!(detail["tempoBpm"], 100.0);
}

#[tokio::test]
async fn bad_uploads_are_refused_field_by_field_and_guests_cannot_upload() {
    let provider = OAuthProvider::start().await;
    let server = server(&provider).await;
    let (ada, _) = member(&server, &provider, "ada").await;

    let guest = Browser::new(&server);
    let (status, body) = upload(&guest, form("Song", "song.txt", SHEET.into())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["code"], "unauthorized");

    let cases = [
        (
            form("Song", "song.txt", b"t y [u i".to_vec()),
            "file",
            "line 1",
        ),
        (
            form("Song", "song.txt", b"t y\nu ]".to_vec()),
            "file",
            "line 2",
        ),
        (
            form("Song", "song.mid", b"MThd garbage".to_vec()),
            "file",
            "MIDI",
        ),
        (form("Song", "song.exe", SHEET.into()), "file", ".txt"),
        (form("", "song.txt", SHEET.into()), "title", "empty"),
        (
            form("Song", "song.txt", SHEET.into()).text("difficulty", "impossible"),
            "difficulty",
            "beginner",
        ),
    ];
    for (form, field, words) in cases {
        let (status, body) = upload(&ada, form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["field"], field, "{body}");
        assert!(
            body["error"].as_str().unwrap().contains(words),
            "{words} in {body}"
        );
    }
    let (_, all) = search(&server, json!({ "query": "" })).await;
    assert_eq!(all["total"], 0, "nothing refused was stored");

    let too_big = vec![b't'; pianorhythm_core::domain::sheet_music::MAX_CONTENT_BYTES + 1];
    let (status, _) = upload(&ada, form("Big", "big.txt", too_big)).await;
    assert!(
        status == StatusCode::BAD_REQUEST || status == StatusCode::PAYLOAD_TOO_LARGE,
        "{status}"
    );
}

#[tokio::test]
async fn favourites_edits_and_deletion_follow_each_right() {
    let provider = OAuthProvider::start().await;
    let server = server(&provider).await;
    let (ada, _) = member(&server, &provider, "ada").await;
    let (ben, _) = member(&server, &provider, "ben").await;
    let (root, _) = member(&server, &provider, "root").await;
    let (mo, mo_id) = member(&server, &provider, "moe").await;
    let promoted = root
        .http
        .put(root.url(&format!("/api/v1/users/{mo_id}/roles")))
        .json(&json!({ "roles": ["moderator"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(promoted.status(), StatusCode::OK);
    let guest = Browser::new(&server);

    let (_, first) = upload(&ada, form("First", "first.txt", SHEET.into())).await;
    let (_, second) = upload(&ada, form("Second", "second.txt", SHEET.into())).await;
    let first = first["id"].as_str().unwrap().to_owned();
    let second = second["id"].as_str().unwrap().to_owned();

    // Favourites: members only, each counted once.
    let favourite = |browser: &Browser, id: &str, on: bool| {
        let url = browser.url(&format!("/api/v1/sheet_music/{id}/favorite"));
        let request = if on {
            browser.http.post(url)
        } else {
            browser.http.delete(url)
        };
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(
        favourite(&guest, &first, true).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        favourite(&ben, &first, true).await.1,
        json!({ "favorited": true, "favorites": 1 })
    );
    assert_eq!(
        favourite(&ben, &first, true).await.1,
        json!({ "favorited": true, "favorites": 1 })
    );
    assert_eq!(favourite(&ada, &first, true).await.1["favorites"], 2);
    assert_eq!(
        favourite(&ben, &first, false).await.1,
        json!({ "favorited": false, "favorites": 1 })
    );
    assert_eq!(
        favourite(&ben, "no-such-sheet", true).await.0,
        StatusCode::NOT_FOUND
    );

    // Edits and deletion: the uploader or a moderator; others are refused.
    let edit = |browser: &Browser, id: &str| {
        let request = browser
            .http
            .put(browser.url(&format!("/api/v1/sheet_music/{id}")))
            .json(&json!({ "title": "Renamed", "tags": "a, b" }));
        async move { request.send().await.unwrap().status() }
    };
    let delete = |browser: &Browser, id: &str| {
        let request = browser
            .http
            .delete(browser.url(&format!("/api/v1/sheet_music/{id}")));
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(edit(&guest, &first).await, StatusCode::UNAUTHORIZED);
    assert_eq!(edit(&ben, &first).await, StatusCode::FORBIDDEN);
    assert_eq!(edit(&ada, &first).await, StatusCode::OK);
    assert_eq!(edit(&mo, &first).await, StatusCode::OK);
    assert_eq!(delete(&guest, &first).await, StatusCode::UNAUTHORIZED);
    assert_eq!(delete(&ben, &first).await, StatusCode::FORBIDDEN);
    assert_eq!(delete(&ada, &first).await, StatusCode::NO_CONTENT);
    assert_eq!(delete(&ben, &second).await, StatusCode::FORBIDDEN);
    assert_eq!(delete(&mo, &second).await, StatusCode::NO_CONTENT);
    assert_eq!(
        server
            .get(&format!("/api/v1/sheet_music/{first}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let (_, all) = search(&server, json!({ "query": "" })).await;
    assert_eq!(all["total"], 0);
}

/// Calls a page's server function with a JSON body.
async fn server_fn(browser: &Browser, name: &str, body: Value) -> (StatusCode, Value) {
    let response = browser
        .http
        .post(browser.url(&format!("/api/{name}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn recordings_become_midi_files_and_members_keep_them_as_sheets() {
    let provider = OAuthProvider::start().await;
    let server = server(&provider).await;
    let (ada, _) = member(&server, &provider, "ada").await;
    let guest = Browser::new(&server);
    guest.visit().await;
    let recording = json!({
        "notes": [
            { "startMs": 0.0, "durationMs": 400.0, "key": 60, "velocity": 100 },
            { "startMs": 500.0, "durationMs": 400.0, "key": 64, "velocity": 60 },
            { "startMs": 1000.0, "durationMs": 800.0, "key": 67, "velocity": 90 },
        ],
        "pedal": [{ "atMs": 450.0, "down": true }, { "atMs": 1900.0, "down": false }],
    });

    // Anyone in a room may download what they recorded.
    let (status, bytes) =
        server_fn(&guest, "recording_midi", json!({ "recording": recording })).await;
    assert_eq!(status, StatusCode::OK, "{bytes}");
    let bytes: Vec<u8> = serde_json::from_value(bytes).unwrap();
    let score = pianorhythm_core::sheet_format::read(
        pianorhythm_core::domain::sheet_music::SheetFormat::Midi,
        &bytes,
    )
    .unwrap();
    let keys: Vec<u8> = score.notes.iter().map(|note| note.key).collect();
    assert_eq!(keys, [60, 64, 67]);
    assert!((score.notes[2].start_ms - 1000.0).abs() <= 1.0);
    assert_eq!(score.pedal.len(), 2);

    // Made-up values are refused, and the server goes on.
    for notes in [
        json!([{ "startMs": 0.0, "durationMs": 1.0, "key": 200, "velocity": 90 }]),
        json!([{ "startMs": -5.0, "durationMs": 1.0, "key": 60, "velocity": 90 }]),
        json!([]),
        json!("not notes"),
    ] {
        let body = json!({ "recording": { "notes": notes, "pedal": [] } });
        let (status, answer) = server_fn(&guest, "recording_midi", body).await;
        assert!(
            status.is_client_error() || status.is_server_error(),
            "{answer}"
        );
    }

    // Keeping it as a sheet takes a Member.
    let saved = json!({ "saved": {
        "title": "Evening jam", "category": "recording", "difficulty": "intermediate",
        "tags": "recording", "recording": recording,
    }});
    let (status, answer) = server_fn(&guest, "save_recording", saved.clone()).await;
    assert!(!status.is_success(), "{answer}");
    assert!(answer.to_string().contains("sign in"), "{answer}");
    let (_, all) = search(&server, json!({ "query": "" })).await;
    assert_eq!(all["total"], 0);

    let (status, answer) = server_fn(&ada, "save_recording", saved).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let sheet = &answer["Ok"];
    assert_eq!(sheet["title"], "Evening jam", "{answer}");
    assert_eq!(sheet["creator"], "ada");
    assert_eq!(sheet["format"], "midi");
    let id = sheet["id"].as_str().unwrap();
    let download = server
        .get(&format!("/api/v1/sheet_music/{id}/download"))
        .await;
    assert_eq!(download.headers()["content-type"], "audio/midi");
    assert_eq!(download.bytes().await.unwrap().to_vec(), bytes);

    // A title is still checked like an upload's.
    let untitled = json!({ "saved": {
        "title": "", "category": "recording", "difficulty": "intermediate",
        "tags": "", "recording": recording,
    }});
    let (_, answer) = server_fn(&ada, "save_recording", untitled).await;
    assert_eq!(answer["Err"][0]["field"], "title", "{answer}");
}

#[tokio::test]
async fn the_sheet_page_edits_field_by_field_for_its_uploader_only() {
    let provider = OAuthProvider::start().await;
    let server = server(&provider).await;
    let (ada, _) = member(&server, &provider, "ada").await;
    let (bob, _) = member(&server, &provider, "bob").await;
    let (_, sheet) = upload(&ada, form("Arabesque", "arabesque.txt", SHEET.into())).await;
    let id = sheet["id"].as_str().unwrap();
    let edit = |title: &str| {
        json!({ "id": id, "edit": {
            "title": title, "category": "Impressionist", "difficulty": "advanced",
            "tags": "flowing, , harp-like",
        }})
    };

    let guest = Browser::new(&server);
    guest.visit().await;
    let (status, answer) = server_fn(&guest, "edit_sheet", edit("Mine now")).await;
    assert!(!status.is_success(), "{answer}");
    let (status, answer) = server_fn(&bob, "edit_sheet", edit("Mine now")).await;
    assert!(!status.is_success(), "{answer}");
    assert!(answer.to_string().contains("uploader"), "{answer}");

    let (_, answer) = server_fn(&ada, "edit_sheet", edit("   ")).await;
    assert_eq!(answer["Err"][0]["field"], "title", "{answer}");
    let (status, answer) = server_fn(&ada, "edit_sheet", edit("Arabesque No. 1")).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let sheet = &answer["Ok"];
    assert_eq!(sheet["title"], "Arabesque No. 1");
    assert_eq!(sheet["category"], "impressionist");
    assert_eq!(sheet["difficulty"], "advanced");
    assert_eq!(sheet["tags"], json!(["flowing", "harp-like"]));
}

/// A REST upload with a bearer token and no cookie.
async fn upload_by_token(server: &TestServer, token: &str, title: &str) -> reqwest::Response {
    server
        .http
        .post(server.url("/api/v1/sheet_music/upload"))
        .bearer_auth(token)
        .multipart(form(title, "song.txt", SHEET.into()))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_accounts_upload_quota_holds_across_cookies_tokens_and_every_way_of_creating_a_sheet() {
    let provider = OAuthProvider::start().await;
    let providers = provider.providers();
    let server = TestServer::start_ready_with(move |config| {
        config.accounts.providers = providers;
        config.upload_quota.per_hour = 3;
    })
    .await;
    let (laptop, _) = member(&server, &provider, "ada").await;
    // The same account signed in a second time (another cookie), and a bearer token.
    let phone = Browser::new(&server);
    let claims = json!({ "sub": "ada-1", "preferred_username": "ada" });
    phone.sign_in(&provider, claims, "ada").await;
    assert_ne!(phone.cookie(), laptop.cookie());
    let pair: Value = laptop
        .post("/api/v1/auth/token")
        .await
        .json()
        .await
        .unwrap();
    let token = pair["accessToken"].as_str().unwrap();
    let saved = |title: &str| {
        json!({ "saved": {
            "title": title, "category": "recording", "difficulty": "beginner", "tags": "",
            "recording": { "notes": [
                { "startMs": 0.0, "durationMs": 400.0, "key": 60, "velocity": 100 }
            ], "pedal": [] },
        }})
    };

    // Three sheets, one each way: the cookie's upload, the second session's recording, the
    // token's upload.
    let (status, body) = upload(&laptop, form("One", "one.txt", SHEET.into())).await;
    assert!(status.is_success(), "{body}");
    let (status, body) = server_fn(&phone, "save_recording", saved("Two")).await;
    assert!(status.is_success() && body["Ok"].is_object(), "{body}");
    let third = upload_by_token(&server, token, "Three").await;
    assert!(third.status().is_success());

    // The fourth is refused whichever way it comes.
    let refused = upload_by_token(&server, token, "Four").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // One comes back every 20 minutes.
    assert!((1_100..=1_200).contains(&retry_after), "{retry_after}");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "over_quota");
    assert!(
        body["error"].as_str().unwrap().contains("try again in"),
        "{body}"
    );
    let (status, body) = upload(&laptop, form("Four", "four.txt", SHEET.into())).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let (status, body) = upload(&phone, form("Four", "four.txt", SHEET.into())).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let (status, body) = server_fn(&phone, "save_recording", saved("Four")).await;
    assert!(!status.is_success(), "{body}");
    assert!(body.to_string().contains("try again in"), "{body}");
    let page_form = laptop
        .http
        .post(laptop.url("/api/upload_sheet"))
        .multipart(form("Four", "four.txt", SHEET.into()))
        .send()
        .await
        .unwrap();
    let status = page_form.status();
    let text = page_form.text().await.unwrap();
    assert!(
        !status.is_success() && text.contains("try again in"),
        "{status} {text}"
    );
    let (_, all) = search(&server, json!({ "query": "" })).await;
    assert_eq!(all["total"], 3);

    // Another account is unaffected.
    let (grace, _) = member(&server, &provider, "grace").await;
    let (status, body) = upload(&grace, form("Hers", "hers.txt", SHEET.into())).await;
    assert!(status.is_success(), "{body}");
}

/// What the source of `content` reads as, in the practice view's JSON shape. Written out and
/// parsed back, as the server's answer is: serde_json's parser may land an ULP off a float's
/// exact value, the same way for the same text.
fn practice_json(format: SheetFormat, content: &[u8]) -> Value {
    let score = sheet_format::read(format, content).unwrap();
    let expected = json!({
        "notes": score.notes.iter().map(|note| json!({
            "startMs": note.start_ms,
            "durationMs": note.duration_ms,
            "key": note.key,
            "velocity": note.velocity,
        })).collect::<Vec<_>>(),
        "pedal": score.pedal.iter().map(|change| json!({
            "atMs": change.at_ms,
            "down": change.down,
        })).collect::<Vec<_>>(),
        "tempoBpm": score.tempo_bpm,
    });
    serde_json::from_str(&expected.to_string()).unwrap()
}

/// The sheet read every way a player reads it: the JSON's notes, pedal and tempo, the MIDI
/// download's bytes, and whether its page renders.
async fn read_every_way(server: &TestServer, id: &str) -> (Value, Vec<u8>) {
    let detail: Value = server
        .get(&format!("/api/v1/sheet_music/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let timeline = json!({
        "notes": detail["notes"],
        "pedal": detail["pedal"],
        "tempoBpm": detail["tempoBpm"],
    });
    let midi = server
        .get(&format!("/api/v1/sheet_music/{id}/download?format=midi"))
        .await;
    assert_eq!(midi.status(), StatusCode::OK);
    let midi = midi.bytes().await.unwrap().to_vec();
    let page = server.get(&format!("/sheets/{id}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let title = detail["sheet"]["title"].as_str().unwrap().to_owned();
    assert!(page.text().await.unwrap().contains(&title));
    (timeline, midi)
}

#[tokio::test]
async fn pages_json_and_midi_come_from_the_timeline_stored_at_upload() {
    let provider = OAuthProvider::start().await;
    let server = server(&provider).await;
    let (ada, _) = member(&server, &provider, "ada").await;
    let text = "tempo: 132\n[tu] y | o\n[1qa] 2 [@Q] p";
    let (status, sheet) = upload(&ada, form("Stored", "stored.txt", text.into())).await;
    assert_eq!(status, StatusCode::CREATED, "{sheet}");
    let id = sheet["id"].as_str().unwrap();

    let store = SqliteStore::open(server.data.path()).await.unwrap();
    let score = sheet_format::read(SheetFormat::VirtualPiano, text.as_bytes()).unwrap();
    assert_eq!(
        store.timeline(id).await.unwrap(),
        Some(timeline::encode(&score)),
        "the upload stored its timeline"
    );
    let (read, midi) = read_every_way(&server, id).await;
    assert_eq!(
        read,
        practice_json(SheetFormat::VirtualPiano, text.as_bytes())
    );
    assert_eq!(midi, sheet_format::to_midi(&score));

    // Proof that reads use the stored timeline rather than the source: a changed timeline
    // is what they serve.
    let mut changed = score.clone();
    changed.notes.truncate(1);
    store
        .set_timeline(id, timeline::encode(&changed))
        .await
        .unwrap();
    let (read, midi) = read_every_way(&server, id).await;
    assert_eq!(read["notes"].as_array().unwrap().len(), 1);
    assert_eq!(midi, sheet_format::to_midi(&changed));
}

#[tokio::test]
async fn a_sheets_page_is_rendered_without_its_notes() {
    let server = TestServer::start().await;
    let store = SqliteStore::open(server.data.path()).await.unwrap();
    // 4,000 notes: their JSON is a few hundred kilobytes.
    let text = format!("tempo: 240\n{}", "q w e r ".repeat(1_000));
    let sheet = store
        .create(NewSheet {
            title: "Four thousand notes".into(),
            creator_id: "someone-1".into(),
            creator_name: "someone".into(),
            tags: Vec::new(),
            category: "Etudes".into(),
            difficulty: Difficulty::Expert,
            format: SheetFormat::VirtualPiano,
            content: text.into(),
            timeline: None,
        })
        .await
        .unwrap();
    let notes = server
        .get(&format!("/api/v1/sheet_music/{}", sheet.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        notes.matches("startMs").count() >= 4_000,
        "the API has the notes"
    );

    let page = server.get(&format!("/sheets/{}", sheet.id)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Four thousand notes"), "{page}");
    assert!(
        page.contains("Loading the notes"),
        "the browser fetches them: {page}"
    );
    assert!(!page.contains("startMs"), "no note is embedded in the page");
    assert!(
        page.len() * 4 < notes.len(),
        "the page ({} bytes) is a fraction of its notes ({} bytes)",
        page.len(),
        notes.len()
    );
}

#[tokio::test]
async fn a_sheet_stored_without_a_timeline_is_served_and_gets_one() {
    let server = TestServer::start().await;
    let store = SqliteStore::open(server.data.path()).await.unwrap();
    let text = "tempo: 90\nq w e | [rt] y";
    let old = store
        .create(NewSheet {
            title: "Stored the old way".into(),
            creator_id: "someone-1".into(),
            creator_name: "someone".into(),
            tags: Vec::new(),
            category: "Classical".into(),
            difficulty: Difficulty::Beginner,
            format: SheetFormat::VirtualPiano,
            content: text.into(),
            timeline: None,
        })
        .await
        .unwrap();
    let score = sheet_format::read(SheetFormat::VirtualPiano, text.as_bytes()).unwrap();

    let (read, midi) = read_every_way(&server, &old.id).await;
    assert_eq!(
        read,
        practice_json(SheetFormat::VirtualPiano, text.as_bytes())
    );
    assert_eq!(midi, sheet_format::to_midi(&score));
    assert_eq!(
        store.timeline(&old.id).await.unwrap(),
        Some(timeline::encode(&score)),
        "its first read stored its timeline"
    );
    // A timeline in a layout this server does not know is computed again, not served.
    store.set_timeline(&old.id, vec![0xff]).await.unwrap();
    let (read, _) = read_every_way(&server, &old.id).await;
    assert_eq!(
        read,
        practice_json(SheetFormat::VirtualPiano, text.as_bytes())
    );
    assert_eq!(
        store.timeline(&old.id).await.unwrap(),
        Some(timeline::encode(&score))
    );
}

#[tokio::test]
async fn search_pages_no_further_than_the_skip_limit() {
    let server = TestServer::start().await;
    let (status, found) = search(&server, json!({ "query": "", "skip": MAX_SKIP })).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    for skip in [MAX_SKIP + 1, u64::MAX] {
        let (status, refused) = search(&server, json!({ "query": "", "skip": skip })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert!(refused.to_string().contains("skip"), "{refused}");
    }
}

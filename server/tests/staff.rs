//! Players' reports and what the staff pages read, through the real server: anyone reports,
//! moderators list and close reports, the audit log filters, site bans in force. Each limit is
//! tried from around it (a new cookie, a second session of the same account).

mod common;
mod support {
    pub mod browser;
    pub mod oauth_provider;
}

use common::TestServer;
use pianorhythm_core::protocol::{client_message::Kind as Request, ChatSend};
use reqwest::{multipart, StatusCode};
use serde_json::{json, Value};
use server::config::Config;
use support::{
    browser::{member, Browser},
    oauth_provider::OAuthProvider,
};

async fn server_for(provider: &OAuthProvider, adjust: impl FnOnce(&mut Config)) -> TestServer {
    let providers = provider.providers();
    TestServer::start_ready_with(move |config| {
        config.accounts.providers = providers;
        config.accounts.admins = ["local:root-1".to_owned()].into();
        adjust(config);
    })
    .await
}

fn claims(handle: &str) -> Value {
    json!({ "sub": format!("{handle}-1"), "preferred_username": handle })
}

/// A browser signed in as a moderator `handle`, made so by the admin.
async fn moderator(
    server: &TestServer,
    provider: &OAuthProvider,
    handle: &str,
) -> (Browser, String) {
    let (admin, _) = member(server, provider, "root").await;
    let (moderator, id) = member(server, provider, handle).await;
    let made = admin
        .http
        .put(admin.url(&format!("/api/v1/users/{id}/roles")))
        .json(&json!({ "roles": ["moderator"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::OK);
    (moderator, id)
}

async fn guest(server: &TestServer) -> Browser {
    let browser = Browser::new(server);
    browser.visit().await;
    browser
}

async fn post(browser: &Browser, path: &str, body: Value) -> (StatusCode, Value) {
    let response = browser
        .http
        .post(browser.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(browser: &Browser, path: &str) -> (StatusCode, Value) {
    let response = browser.get(path).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn report(
    browser: &Browser,
    target: &str,
    room: Option<&str>,
    reason: &str,
) -> reqwest::Response {
    browser
        .http
        .post(browser.url("/api/v1/reports"))
        .json(&json!({ "targetId": target, "roomId": room, "reason": reason }))
        .send()
        .await
        .unwrap()
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn guests_and_members_report_and_moderators_list_resolve_and_dismiss() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (moe, moe_id) = moderator(&server, &provider, "moe").await;
    let (mia, mia_id) = member(&server, &provider, "mia").await;
    let reporter = guest(&server).await;

    // A guest says something in the Lobby; the chat is stored before anyone sees it.
    let spammer = guest(&server).await;
    let (mut socket, welcome) = spammer.connect().await;
    let spammer_id = welcome.you.unwrap().id;
    socket.enter("Lobby").await;
    socket
        .request(Request::Chat(ChatSend {
            text: "buy cheap gold".into(),
        }))
        .await;
    socket
        .wait_for(|kind| match kind {
            pianorhythm_core::protocol::server_message::Kind::Chat(_) => Some(()),
            _ => None,
        })
        .await;

    let by_guest = report(
        &reporter,
        &spammer_id,
        Some("lobby"),
        "  spamming the Lobby ",
    )
    .await;
    assert_eq!(by_guest.status(), StatusCode::CREATED);
    let by_guest: Value = by_guest.json().await.unwrap();
    assert_eq!(by_guest["status"], "open");
    assert_eq!(by_guest["reason"], "spamming the Lobby");
    assert_eq!(by_guest["roomName"], "Lobby");
    assert_eq!(by_guest["targetId"], spammer_id.as_str());
    assert!(by_guest["reporterGuestId"].is_string());
    assert_eq!(by_guest["reporterAccountId"], Value::Null);
    let lines = by_guest["chat"].as_array().unwrap();
    let last = lines.last().expect("the Lobby's last chat lines");
    assert_eq!(last["text"], "buy cheap gold");
    assert_eq!(last["senderId"], spammer_id.as_str());
    assert_eq!(by_guest["targetName"], last["senderName"]);

    let by_member = report(&mia, &moe_id, None, "rude").await;
    assert_eq!(by_member.status(), StatusCode::CREATED);
    let by_member: Value = by_member.json().await.unwrap();
    assert_eq!(by_member["reporterAccountId"], mia_id.as_str());
    assert_eq!(by_member["targetAccountId"], moe_id.as_str());
    assert_eq!(by_member["targetName"], "moe");

    // Only moderators read reports; nobody below them closes one.
    assert_eq!(get(&mia, "/api/v1/reports").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&reporter, "/api/v1/reports").await.0,
        StatusCode::UNAUTHORIZED
    );
    let first = by_guest["id"].as_str().unwrap();
    let second = by_member["id"].as_str().unwrap();
    let (status, _) = post(
        &reporter,
        &format!("/api/v1/reports/{first}/resolve"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post(&mia, &format!("/api/v1/reports/{first}/dismiss"), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // At once and newest first: nothing is cached.
    let (status, open) = get(&moe, "/api/v1/reports?status=open").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&open), [second, first]);
    let (_, page) = get(&moe, "/api/v1/reports?status=open&skip=1&limit=1").await;
    assert_eq!(ids(&page), [first]);

    let (status, resolved) =
        post(&moe, &format!("/api/v1/reports/{first}/resolve"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{resolved}");
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["handledBy"], moe_id.as_str());
    let (status, _) = post(&moe, &format!("/api/v1/reports/{first}/dismiss"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "closed once only");
    let (status, dismissed) = post(
        &moe,
        &format!("/api/v1/reports/{second}/dismiss"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(dismissed["status"], "dismissed");
    let (status, _) = post(
        &moe,
        "/api/v1/reports/0123456789abcdef01234567/resolve",
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    assert_eq!(
        ids(&get(&moe, "/api/v1/reports?status=open").await.1),
        Vec::<&str>::new()
    );
    assert_eq!(
        ids(&get(&moe, "/api/v1/reports?status=resolved").await.1),
        [first]
    );
    assert_eq!(ids(&get(&moe, "/api/v1/reports").await.1), [second, first]);
    assert_eq!(
        get(&moe, "/api/v1/reports?status=(.*)").await.0,
        StatusCode::BAD_REQUEST
    );

    // Both closings are audited, naming the moderator and the report.
    let (_, audit) = get(&moe, &format!("/api/v1/audit?actor={moe_id}")).await;
    let closed: Vec<(&str, &str)> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"].as_str().unwrap().starts_with("report_"))
        .map(|entry| {
            (
                entry["action"].as_str().unwrap(),
                entry["targetId"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        closed,
        [("report_dismissed", second), ("report_resolved", first)]
    );
}

#[tokio::test]
async fn a_bad_reason_target_or_room_is_refused_with_400_or_404() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (mia, mia_id) = member(&server, &provider, "mia").await;
    let (_, bob_id) = member(&server, &provider, "bob").await;
    let long = "x".repeat(501);
    for reason in [
        long.as_str(),
        "",
        "   ",
        "bell\u{7}",
        "line\nbreak",
        "abc\u{202E}fed",
        "a\u{200B}b",
    ] {
        let refused = report(&mia, &bob_id, None, reason).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{reason:?}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["field"], "reason", "{reason:?}");
    }
    assert_eq!(
        report(&mia, &bob_id, None, &"x".repeat(500)).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        report(&mia, &mia_id, None, "me").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        report(&mia, "{\"$ne\":1}", None, "who").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        report(&mia, "nobody", None, "who").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        report(&mia, &bob_id, Some("0123456789abcdef01234567"), "where")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_report_limit_holds_across_new_cookies_and_a_second_session() {
    let provider = OAuthProvider::start().await;
    // Two a minute per player; the address gets four players' worth (eight).
    let server = server_for(&provider, |config| {
        config.limits.reports_per_minute = 2.0;
        config.limits.guests_per_address = 4.0;
    })
    .await;
    let (_, target) = member(&server, &provider, "bob").await;
    let (ann, _) = member(&server, &provider, "ann").await;
    for _ in 0..2 {
        assert_eq!(
            report(&ann, &target, None, "spam").await.status(),
            StatusCode::CREATED
        );
    }
    let refused = report(&ann, &target, None, "spam").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    // The same account signed in again elsewhere: the same allowance.
    let ann_again = Browser::new(&server);
    ann_again.visit().await;
    ann_again.sign_in(&provider, claims("ann"), "ann").await;
    assert_eq!(
        report(&ann_again, &target, None, "spam").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    // New cookies from the same address draw on its allowance: six more, then none.
    let mut accepted = 0;
    for _ in 0..12 {
        let fresh = guest(&server).await;
        match report(&fresh, &target, None, "spam").await.status() {
            StatusCode::CREATED => accepted += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(accepted, 6);
    let fresh = guest(&server).await;
    assert_eq!(
        report(&fresh, &target, None, "spam").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn upload(browser: &Browser, title: &str) -> Value {
    let form = multipart::Form::new()
        .text("title", title.to_owned())
        .text("category", "Classical")
        .text("difficulty", "beginner")
        .text("tags", "practice")
        .part(
            "file",
            multipart::Part::bytes(b"tempo: 100\nt y u".to_vec()).file_name("sheet.txt"),
        );
    let response = browser
        .http
        .post(browser.url("/api/v1/sheet_music/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

fn actions(audit: &Value) -> Vec<(String, String, String)> {
    audit
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let text = |key: &str| entry[key].as_str().unwrap_or_default().to_owned();
            (text("action"), text("actorId"), text("targetId"))
        })
        .collect()
}

#[tokio::test]
async fn the_audit_log_filters_by_action_actor_and_target_and_has_sign_ins_and_sheets() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (moe, moe_id) = moderator(&server, &provider, "moe").await;
    let (ann, ann_id) = member(&server, &provider, "ann").await;
    let sheet = upload(&ann, "Etude").await;
    let sheet_id = sheet["id"].as_str().unwrap().to_owned();
    let edited = ann
        .http
        .put(ann.url(&format!("/api/v1/sheet_music/{sheet_id}")))
        .json(&json!({ "title": "Etude No. 2" }))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), StatusCode::OK);
    let deleted = moe
        .http
        .delete(moe.url(&format!("/api/v1/sheet_music/{sheet_id}")))
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());

    let (status, by_ann) = get(&moe, &format!("/api/v1/audit?actor={ann_id}")).await;
    assert_eq!(status, StatusCode::OK);
    let expected = |action: &str, actor: &str, target: &str| {
        (action.to_owned(), actor.to_owned(), target.to_owned())
    };
    assert_eq!(
        actions(&by_ann),
        [
            expected("sheet_edited", &ann_id, &sheet_id),
            expected("sheet_uploaded", &ann_id, &sheet_id),
            expected("signed_in", &ann_id, &ann_id),
        ]
    );
    let (_, on_sheet) = get(&moe, &format!("/api/v1/audit?target={sheet_id}")).await;
    assert_eq!(
        actions(&on_sheet),
        [
            expected("sheet_deleted", &moe_id, &sheet_id),
            expected("sheet_edited", &ann_id, &sheet_id),
            expected("sheet_uploaded", &ann_id, &sheet_id),
        ]
    );
    let (_, deletions) = get(
        &moe,
        &format!("/api/v1/audit?action=sheet_deleted&actor={moe_id}"),
    )
    .await;
    assert_eq!(
        actions(&deletions),
        [expected("sheet_deleted", &moe_id, &sheet_id)]
    );
    let (_, sign_ins) = get(&moe, "/api/v1/audit?action=signed_in").await;
    let sign_ins = actions(&sign_ins);
    assert!(sign_ins.iter().all(|(action, _, _)| action == "signed_in"));
    assert!(sign_ins.contains(&expected("signed_in", &ann_id, &ann_id)));
    assert!(sign_ins.contains(&expected("signed_in", &moe_id, &moe_id)));
    // A page at a time, newest first.
    let (_, first) = get(&moe, "/api/v1/audit?action=signed_in&limit=1").await;
    let (_, second) = get(&moe, "/api/v1/audit?action=signed_in&skip=1&limit=1").await;
    assert_eq!(actions(&first), sign_ins[..1]);
    assert_eq!(actions(&second), sign_ins[1..2]);
    assert_eq!(
        get(&moe, "/api/v1/audit?action=everything").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(get(&ann, "/api/v1/audit").await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bans_in_force_list_an_active_ban_with_its_reason_and_not_a_lifted_one() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (moe, moe_id) = moderator(&server, &provider, "moe").await;
    let (ann, ann_id) = member(&server, &provider, "ann").await;
    let (_, bob_id) = member(&server, &provider, "bob").await;
    let ban = |id: &str, body: Value| {
        moe.http
            .put(moe.url(&format!("/api/v1/users/{id}/ban")))
            .json(&body)
            .send()
    };
    let too_long = ban(
        &bob_id,
        json!({ "durationSeconds": 600, "reason": "x".repeat(501) }),
    )
    .await
    .unwrap();
    assert_eq!(too_long.status(), StatusCode::BAD_REQUEST);
    let banned = ban(
        &ann_id,
        json!({ "durationSeconds": 600, "reason": "spam in the Lobby" }),
    )
    .await
    .unwrap();
    assert_eq!(banned.status(), StatusCode::NO_CONTENT);
    let banned = ban(&bob_id, json!({ "durationSeconds": 600 }))
        .await
        .unwrap();
    assert_eq!(banned.status(), StatusCode::NO_CONTENT);
    let lifted = moe
        .http
        .delete(moe.url(&format!("/api/v1/users/{bob_id}/ban")))
        .send()
        .await
        .unwrap();
    assert_eq!(lifted.status(), StatusCode::NO_CONTENT);

    let (status, bans) = get(&moe, "/api/v1/bans").await;
    assert_eq!(status, StatusCode::OK);
    let bans = bans.as_array().unwrap();
    assert_eq!(bans.len(), 1, "{bans:?}");
    assert_eq!(bans[0]["accountId"], ann_id.as_str());
    assert_eq!(bans[0]["displayName"], "ann");
    assert_eq!(bans[0]["reason"], "spam in the Lobby");
    assert_eq!(bans[0]["by"], moe_id.as_str());
    assert!(bans[0]["until"].as_i64().unwrap() > bans[0]["at"].as_i64().unwrap());
    // Banned, ann cannot look; a member who is not staff may not either.
    assert_eq!(get(&ann, "/api/v1/bans").await.0, StatusCode::FORBIDDEN);
    let (carl, _) = member(&server, &provider, "carl").await;
    assert_eq!(get(&carl, "/api/v1/bans").await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_server_functions_are_the_same_service() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (moe, _) = moderator(&server, &provider, "moe").await;
    let (mia, _) = member(&server, &provider, "mia").await;
    let (_, bob_id) = member(&server, &provider, "bob").await;
    let reporter = guest(&server).await;
    let call = |browser: &Browser, name: &str, fields: Vec<(&str, String)>| {
        browser
            .http
            .post(browser.url(&format!("/api/{name}")))
            .form(&fields)
            .send()
    };
    let filed = call(
        &reporter,
        "report_player",
        vec![
            ("form[targetId]", bob_id.clone()),
            ("form[reason]", "griefing".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(filed.status(), StatusCode::OK);
    let filed: Value = filed.json().await.unwrap();
    assert_eq!(filed["targetName"], "bob");
    let refused = call(
        &reporter,
        "report_player",
        vec![
            ("form[targetId]", bob_id.clone()),
            ("form[reason]", "x".repeat(501)),
        ],
    )
    .await
    .unwrap();
    // Refused, and not filed: the list below holds the first report only.
    assert!(!refused.status().is_success(), "{}", refused.status());

    let page = vec![("skip", "0".to_owned()), ("limit", "10".to_owned())];
    let listed = call(&moe, "list_reports", page.clone()).await.unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    assert_eq!(
        ids(&listed.json().await.unwrap()),
        [filed["id"].as_str().unwrap()]
    );
    let denied = call(&mia, "list_reports", page.clone()).await.unwrap();
    assert!(!denied.status().is_success());
    let id = filed["id"].as_str().unwrap().to_owned();
    let closed = call(
        &moe,
        "close_report",
        vec![("id", id.clone()), ("resolved", "false".into())],
    )
    .await
    .unwrap();
    assert_eq!(closed.status(), StatusCode::OK);
    let closed: Value = closed.json().await.unwrap();
    assert_eq!(closed["status"], "dismissed");
    let audit = call(
        &moe,
        "audit_log",
        vec![
            ("action", "report_dismissed".into()),
            ("skip", "0".into()),
            ("limit", "10".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(audit.status(), StatusCode::OK);
    let audit: Value = audit.json().await.unwrap();
    assert_eq!(actions(&audit).len(), 1);
    assert_eq!(audit[0]["targetId"], id.as_str());
    let bans = call(&moe, "bans_in_force", page).await.unwrap();
    assert_eq!(bans.status(), StatusCode::OK);
    assert_eq!(bans.json::<Value>().await.unwrap(), json!([]));
}

#[tokio::test]
async fn staff_server_functions_ban_permanently_lift_and_set_roles_and_refuse_everyone_else() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (moe, moe_id) = moderator(&server, &provider, "moe").await;
    let (root, _) = member(&server, &provider, "root").await;
    let (mia, _) = member(&server, &provider, "mia").await;
    let (bob, bob_id) = member(&server, &provider, "bob").await;
    let call = |browser: &Browser, name: &str, fields: Vec<(&str, String)>| {
        browser
            .http
            .post(browser.url(&format!("/api/{name}")))
            .form(&fields)
            .send()
    };
    let ban_form = |seconds: u64, permanent: bool| {
        vec![
            ("form[accountId]", bob_id.clone()),
            ("form[durationSeconds]", seconds.to_string()),
            ("form[permanent]", permanent.to_string()),
            ("form[reason]", "hate speech".to_owned()),
        ]
    };

    // A member calling the staff's server function directly is refused, and bob is not banned.
    let refused = call(&mia, "site_ban", ban_form(0, true)).await.unwrap();
    assert!(!refused.status().is_success(), "{}", refused.status());
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("only a moderator or above"));
    assert_eq!(bob.profile().await.0, StatusCode::OK);
    // The moderator's own cookie, posted from another site's page: refused before the service.
    let cross_site = moe
        .http
        .post(moe.url("/api/site_ban"))
        .header("origin", "https://evil.example")
        .form(&ban_form(0, true))
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    assert_eq!(bob.profile().await.0, StatusCode::OK);
    // Over ten years by number is refused; so is no length at all.
    let too_long = call(&moe, "site_ban", ban_form(3_654 * 86_400, false))
        .await
        .unwrap();
    assert!(!too_long.status().is_success());
    assert!(too_long.text().await.unwrap().contains("at most ten years"));
    let none = call(&moe, "site_ban", ban_form(0, false)).await.unwrap();
    assert!(none.text().await.unwrap().contains("at least a second"));
    assert_eq!(bob.profile().await.0, StatusCode::OK);

    // Permanent is a ban that holds, listed with its reason and the end no date reaches.
    let banned = call(&moe, "site_ban", ban_form(0, true)).await.unwrap();
    assert_eq!(banned.status(), StatusCode::OK);
    assert_eq!(bob.profile().await.0, StatusCode::FORBIDDEN);
    let (_, bans) = get(&moe, "/api/v1/bans").await;
    assert_eq!(bans[0]["accountId"], bob_id.as_str());
    assert_eq!(bans[0]["until"], i64::MAX);
    assert_eq!(bans[0]["reason"], "hate speech");
    let (_, audit) = get(&moe, &format!("/api/v1/audit?target={bob_id}")).await;
    assert_eq!(audit[0]["details"], "permanently");
    // Lifting it is one call; a member's lift is refused like their ban.
    let lift = vec![("account_id", bob_id.clone())];
    let refused = call(&mia, "lift_ban", lift.clone()).await.unwrap();
    assert!(!refused.status().is_success());
    assert_eq!(
        get(&moe, "/api/v1/bans").await.1.as_array().unwrap().len(),
        1
    );
    let lifted = call(&moe, "lift_ban", lift).await.unwrap();
    assert_eq!(lifted.status(), StatusCode::OK);
    assert_eq!(get(&moe, "/api/v1/bans").await.1, json!([]));

    // Roles: only an admin sets them; the moderator demoted loses the staff pages at once.
    let roles = |browser: &Browser, id: &str, roles: Value| {
        browser
            .http
            .post(browser.url("/api/set_roles"))
            .json(&json!({ "account_id": id, "roles": roles }))
            .send()
    };
    let refused = roles(&moe, &moe_id, json!(["admin"])).await.unwrap();
    assert!(!refused.status().is_success());
    let refused = roles(&mia, &bob_id, json!(["moderator"])).await.unwrap();
    assert!(!refused.status().is_success());
    let unknown = roles(&root, &moe_id, json!(["emperor"])).await.unwrap();
    assert!(unknown.text().await.unwrap().contains("is not a role"));
    let demoted = roles(&root, &moe_id, json!([])).await.unwrap();
    assert_eq!(demoted.status(), StatusCode::OK);
    let demoted: Value = demoted.json().await.unwrap();
    assert_eq!(demoted["roles"], json!(["member"]));
    let page = vec![("skip", "0".to_owned()), ("limit", "10".to_owned())];
    let denied = call(&moe, "list_reports", page).await.unwrap();
    assert!(!denied.status().is_success());
}

#[tokio::test]
async fn the_apis_permanent_ban_is_taken_and_ten_years_and_a_day_refused() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (moe, _) = moderator(&server, &provider, "moe").await;
    let (ann, ann_id) = member(&server, &provider, "ann").await;
    let ban = |body: Value| {
        moe.http
            .put(moe.url(&format!("/api/v1/users/{ann_id}/ban")))
            .json(&body)
            .send()
    };
    let refused = ban(json!({ "durationSeconds": 3_654 * 86_400_u64 }))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = ban(json!({})).await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(ann.profile().await.0, StatusCode::OK);
    let banned = ban(json!({ "permanent": true, "reason": "ban evasion" }))
        .await
        .unwrap();
    assert_eq!(banned.status(), StatusCode::NO_CONTENT);
    assert_eq!(ann.profile().await.0, StatusCode::FORBIDDEN);
    let (_, bans) = get(&moe, "/api/v1/bans").await;
    assert_eq!(bans[0]["until"], i64::MAX);
}

#[tokio::test]
async fn a_banned_player_is_told_why_and_until_when_on_the_open_socket_and_the_next() {
    use pianorhythm_core::protocol::{server_message::Kind, Disconnect, DisconnectReason};
    let told = |kind: Kind| match kind {
        Kind::Disconnect(goodbye) => Some(goodbye),
        _ => None,
    };
    let expect_told = |goodbye: Disconnect, until: &str| {
        assert_eq!(goodbye.reason(), DisconnectReason::BannedFromSite);
        assert_eq!(goodbye.ban_reason, "hate speech");
        assert!(
            goodbye
                .message
                .starts_with("this account is banned from the site")
                && goodbye.message.contains(until)
                && goodbye.message.ends_with(": hate speech"),
            "{}",
            goodbye.message
        );
        goodbye.banned_until
    };
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (moe, _) = moderator(&server, &provider, "moe").await;
    let (bob, bob_id) = member(&server, &provider, "bob").await;
    let (mut socket, _) = bob.connect().await;
    socket.enter("Lobby").await;
    let ban = |body: Value| {
        moe.http
            .put(moe.url(&format!("/api/v1/users/{bob_id}/ban")))
            .json(&body)
            .send()
    };
    let banned = ban(json!({ "durationSeconds": 3_600, "reason": "hate speech" }))
        .await
        .unwrap();
    assert_eq!(banned.status(), StatusCode::NO_CONTENT);
    let until = expect_told(socket.wait_for(told).await, " UTC");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!(
        (now + 3_590_000..=now + 3_600_000).contains(&until),
        "{until}"
    );

    // Coming back: refused at once, with the same words; made permanent, it says so.
    let mut refused = bob.open_socket().await;
    expect_told(refused.wait_for(told).await, " UTC");
    let permanent = ban(json!({ "permanent": true, "reason": "hate speech" }))
        .await
        .unwrap();
    assert_eq!(permanent.status(), StatusCode::NO_CONTENT);
    let mut refused = bob.open_socket().await;
    let until = expect_told(refused.wait_for(told).await, "permanently");
    assert_eq!(until, i64::MAX);
}

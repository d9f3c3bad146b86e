//! The REST API's OpenAPI document, `GET /api/v1/openapi.json`: valid OpenAPI 3.1 (checked by
//! openapi-spec-validator, which `scripts/setup.sh --test` installs), and listing exactly the
//! routes the router answers: every documented operation reaches a handler, every other
//! method on a documented path is the API's 405, and the API's modules add no route except
//! through `utoipa_axum`'s `routes!`, which documents it.

mod common;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use common::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::Value;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

async fn server() -> TestServer {
    // Every operation is asked, some several times: more than the per-address burst.
    TestServer::start_ready_with(|config| config.http.burst = 2_000).await
}

async fn document(server: &TestServer) -> Value {
    let response = server.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    response.json().await.unwrap()
}

/// `(method, path under /api/v1)` of every operation the document lists.
fn operations(document: &Value) -> Vec<(String, String)> {
    let paths = document["paths"]
        .as_object()
        .expect("the document has paths");
    let mut operations = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if item.get(method).is_some() {
                operations.push((method.to_owned(), path.clone()));
            }
        }
    }
    operations
}

/// A documented path with its parameters filled in.
fn concrete(path: &str) -> String {
    let mut filled = String::new();
    let mut inside = false;
    for character in path.chars() {
        match character {
            '{' => {
                inside = true;
                filled.push_str("probe");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => filled.push(character),
        }
    }
    filled
}

async fn ask(server: &TestServer, method: &str, path: &str) -> (StatusCode, Value) {
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let url = server.url(&format!("/api/v1{}", concrete(path)));
    let response = server.http.request(method, url).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The API's own answers for a route it does not have.
fn is_no_route(status: StatusCode, body: &Value) -> bool {
    (status == StatusCode::NOT_FOUND && body["error"] == "no such API route")
        || (status == StatusCode::METHOD_NOT_ALLOWED && body["code"] == "method_not_allowed")
}

#[tokio::test]
async fn the_document_is_valid_openapi_3_1() {
    let server = server().await;
    let document = document(&server).await;
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        document["openapi"]
    );
    let file = tempfile::NamedTempFile::with_suffix(".json").unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&document).unwrap()).unwrap();
    let output = validator()
        .arg(file.path())
        .output()
        .unwrap_or_else(|error| {
            panic!("cannot run openapi-spec-validator: {error}; run `bash scripts/setup.sh --test`")
        });
    assert!(
        output.status.success(),
        "openapi-spec-validator refused the document:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn every_documented_operation_reaches_a_handler() {
    let server = server().await;
    let operations = operations(&document(&server).await);
    assert!(operations.len() > 40, "{operations:?}");
    for (method, path) in operations {
        let (status, body) = ask(&server, &method, &path).await;
        assert!(
            !is_no_route(status, &body),
            "{method} {path} is documented but not routed: {status} {body}"
        );
    }
}

#[tokio::test]
async fn no_undocumented_method_is_routed_on_a_documented_path() {
    let server = server().await;
    let document = document(&server).await;
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in METHODS
            .into_iter()
            .filter(|method| item.get(method).is_none())
        {
            let (status, body) = ask(&server, method, path).await;
            assert!(
                is_no_route(status, &body),
                "{method} {path} is routed but not documented: {status} {body}"
            );
        }
    }
}

/// Every operation says who may call it, and how errors look.
#[tokio::test]
async fn every_operation_states_its_access_and_error_shape() {
    let server = server().await;
    let document = document(&server).await;
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "pianorhythm.sid");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    for (method, path) in operations(&document) {
        let operation = &document["paths"][&path][&method];
        let description = operation["description"].as_str().unwrap_or_default();
        assert!(
            description.contains("**Access:**"),
            "{method} {path}: {description}"
        );
        assert_eq!(
            operation["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{method} {path}"
        );
    }
    let audit = &document["paths"]["/audit"]["get"];
    assert_eq!(audit["security"][0]["session"][0], "moderator");
    assert!(document["paths"]["/rooms/active"]["get"]["security"].is_null());
}

/// A plain `.route(...)` would answer without being documented: the API's modules add
/// routes only through `routes!`.
#[test]
fn the_api_modules_route_only_through_the_document() {
    let api = repo().join("server/src/http/api");
    let mut files = vec![repo().join("server/src/http/api.rs")];
    files.extend(
        std::fs::read_dir(&api)
            .unwrap()
            .map(|entry| entry.unwrap().path()),
    );
    for file in files {
        let source = std::fs::read_to_string(&file)
            .unwrap()
            .replace("OpenApiRouter::new()", "");
        for plain in [
            ".route(",
            ".route_service(",
            ".nest_service(",
            "Router::new()",
        ] {
            assert!(
                !source.contains(plain),
                "{} calls {plain}: register routes with utoipa_axum's routes! instead",
                file.display()
            );
        }
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .into()
}

/// openapi-spec-validator: setup's virtualenv, else one on PATH.
fn validator() -> Command {
    let tools = std::env::var_os("PIANORHYTHM_TOOLS_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache/pianorhythm/tools"))
        });
    let installed =
        tools.map(|tools| tools.join("openapi-spec-validator/bin/openapi-spec-validator"));
    match installed.filter(|path| path.is_file()) {
        Some(path) => Command::new(path),
        None => Command::new("openapi-spec-validator"),
    }
}

//! The documentation keeps up with the code: the README stays a front page, every relative
//! link leads to a file, the protocol's document names every message of
//! `proto/pianorhythm.proto`, and the operations document names every variable the server
//! reads. Reads files only; no server runs.

use std::{
    fs,
    path::{Path, PathBuf},
};

/// The README is a front page: what it is, the two commands, links.
const README_MAX_LINES: usize = 200;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// README.md and every Markdown file in docs/.
fn documents() -> Vec<PathBuf> {
    let mut documents = vec![repo().join("README.md")];
    let docs = repo().join("docs");
    let mut in_docs: Vec<PathBuf> = fs::read_dir(&docs)
        .unwrap_or_else(|error| panic!("{}: {error}", docs.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    in_docs.sort();
    documents.extend(in_docs);
    documents
}

/// A line without its `code spans`, where brackets are not links.
fn without_code_spans(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// The targets of a document's links, inline (`[text](target)`) and by reference
/// (`[name]: target`), outside fenced code blocks.
fn link_targets(markdown: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let line = without_code_spans(line);
        let mut rest = line.as_str();
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let end = after.find(')').unwrap_or(after.len());
            targets.push(after[..end].to_owned());
            rest = &after[end..];
        }
        let trimmed = line.trim_start();
        if let Some(label_end) = trimmed.strip_prefix('[').and_then(|l| l.find("]:")) {
            let target = trimmed[label_end + 3..].split_whitespace().next();
            targets.extend(target.map(str::to_owned));
        }
    }
    targets
}

/// The file a relative link leads to; `None` for web addresses and links within the page.
fn linked_file(document: &Path, target: &str) -> Option<PathBuf> {
    let target = target.trim().trim_start_matches('<').trim_end_matches('>');
    // A title after the address: `[text](file.md "Title")`.
    let target = target.split_whitespace().next().unwrap_or("");
    let external = ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| target.starts_with(scheme));
    if target.is_empty() || target.starts_with('#') || external {
        return None;
    }
    let path = target.split('#').next().unwrap_or(target);
    Some(document.parent().unwrap().join(path))
}

#[test]
fn the_readme_is_a_front_page_of_at_most_200_lines() {
    let readme = read(&repo().join("README.md"));
    let lines = readme.lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines; at most {README_MAX_LINES}: move detail to docs/"
    );
}

#[test]
fn relative_links_in_the_readme_and_docs_lead_to_files_that_exist() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for document in documents() {
        for target in link_targets(&read(&document)) {
            let Some(file) = linked_file(&document, &target) else {
                continue;
            };
            checked += 1;
            if !file.exists() {
                let name = document.strip_prefix(repo()).unwrap_or(&document);
                broken.push(format!("{}: {target}", name.display()));
            }
        }
    }
    assert!(
        checked > 0,
        "no relative link found: is the parser still right?"
    );
    assert!(
        broken.is_empty(),
        "links to missing files:\n{}",
        broken.join("\n")
    );
}

/// Every `message X {` of the proto file, and every field of the `oneof` of ClientMessage and
/// ServerMessage (the names of the variants).
fn protocol_names(proto: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut envelope = false;
    let mut in_oneof = false;
    for line in proto.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        if let Some(rest) = line.strip_prefix("message ") {
            // `message X {`, or `message X {}` on one line.
            let name = rest.split(['{', ' ']).next().unwrap_or(rest);
            envelope = name == "ClientMessage" || name == "ServerMessage";
            names.push(name.to_owned());
        } else if envelope && line.starts_with("oneof ") {
            in_oneof = true;
        } else if in_oneof && line == "}" {
            in_oneof = false;
            envelope = false;
        } else if in_oneof {
            // `Type field = N;`
            if let Some(field) = line.split_whitespace().nth(1) {
                names.push(field.to_owned());
            }
        }
    }
    names
}

#[test]
fn the_protocol_doc_names_every_message_and_variant_of_the_proto() {
    let proto = read(&repo().join("proto/pianorhythm.proto"));
    let names = protocol_names(&proto);
    // The envelopes, the messages they carry, and their 14 + 17 variants at least.
    assert!(names.len() > 60, "the proto parser found only {names:?}");
    for expected in [
        "ClientMessage",
        "LeaveRoom",
        "Welcome",
        "ping",
        "give_crown",
        "inbox",
    ] {
        assert!(
            names.iter().any(|name| name == expected),
            "{expected} not parsed"
        );
    }
    let doc = read(&repo().join("docs/protocol.md"));
    let missing: Vec<&String> = names
        .iter()
        .filter(|name| !doc.contains(&format!("`{name}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/protocol.md does not name (in `code`) {missing:?}"
    );
}

/// Every variable the server's settings read (`env = "X"`), and those `--help` names beside
/// them.
fn server_variables(settings: &str) -> Vec<String> {
    let mut names: Vec<String> = settings
        .split("env = \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect();
    names.extend(["OAUTH_<ID>_", "RUST_LOG", "CORS_ORIGINS"].map(str::to_owned));
    names
}

#[test]
fn the_operations_doc_names_every_variable_the_server_reads() {
    let settings = read(&repo().join("server/src/config/settings.rs"));
    let names = server_variables(&settings);
    assert!(names.len() > 40, "the settings parser found only {names:?}");
    assert!(names.iter().any(|name| name == "LEPTOS_SITE_ADDR"));
    let doc = read(&repo().join("docs/operations.md"));
    let missing: Vec<&String> = names
        .iter()
        .filter(|name| match name.as_str() {
            // A family of variables: named with its suffixes.
            "OAUTH_<ID>_" => !doc.contains(name.as_str()),
            _ => !doc.contains(&format!("`{name}`")),
        })
        .collect();
    assert!(
        missing.is_empty(),
        "docs/operations.md does not name (in `code`) {missing:?}"
    );
}

#[test]
fn the_link_parser_finds_relative_links_and_skips_the_rest() {
    let markdown = "\
See [the protocol](docs/protocol.md#framing) and [a site](https://example.com).
A [local anchor](#top), `[not](a-link.md)` in code, and [titled](ops.md \"Ops\").
[reference]: docs/testing.md
```
[fenced](nowhere.md)
```
";
    let targets = link_targets(markdown);
    let document = Path::new("/repo/README.md");
    let files: Vec<PathBuf> = targets
        .iter()
        .filter_map(|target| linked_file(document, target))
        .collect();
    assert_eq!(
        files,
        [
            "/repo/docs/protocol.md",
            "/repo/ops.md",
            "/repo/docs/testing.md"
        ]
        .map(PathBuf::from)
    );
}

//! The HTML document around the app, and the script that brings it to life
//! (`shell/start.js`): it waits for the page's first paint, then fetches the app's module and
//! the lazy modules the page shows, all at once, and hydrates.
//!
//! The script replaces Leptos's `HydrationScripts`, which has the browser fetch the same
//! modules from the document's `<head>`: the page's first paint then competes with half a
//! megabyte of wasm it does not need (the server renders everything the page shows first).

use std::{collections::HashMap, path::Path, sync::OnceLock};

use leptos::{nonce::use_nonce, prelude::*, PrefetchLazyFn};
use leptos_meta::MetaTags;
use pianorhythm_api::account::Theme;

use crate::{page_meta, security, App};

/// wasm-split's loader of the lazy modules, under the name the app's glue imports it by
/// (`scripts/build.sh`).
const SPLIT_LOADER: &str = "__wasm_split.______________________.js";

/// The document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    security::send_content_security_policy();
    let request = use_context::<http::request::Parts>();
    let path = request
        .as_ref()
        .map(|request| request.uri.path().to_owned())
        .unwrap_or_default();
    // Found by the server before rendering (`page_theme`): the page is drawn in it from its
    // first paint, and the browser's own colours (before the stylesheet) agree.
    let theme = request
        .and_then(|request| request.extensions.get::<Theme>().copied())
        .unwrap_or_default();
    let color_scheme = match theme {
        Theme::System => "light dark",
        Theme::Light => "light",
        Theme::Dark => "dark",
    };
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme.name()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content=color_scheme/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                {page_meta::head_tags(&path)}
                <MetaTags/>
            </head>
            <body>
                <App/>
                <Hydration options/>
            </body>
        </html>
    }
}

/// The script, at the end of the page's `<body>`: rendered after the page, which has by then
/// named the lazy functions it will call (`#[lazy]`, on the server, records its name).
#[component]
fn Hydration(options: LeptosOptions) -> impl IntoView {
    let nonce = use_nonce();
    let lazy = use_context::<PrefetchLazyFn>();
    move || {
        let pkg = format!("/{}", options.site_pkg_dir);
        let name = &options.output_name;
        let split_points = lazy
            .as_ref()
            .and_then(|lazy| lazy.0.try_with_value(|names| names.clone()))
            .unwrap_or_default();
        let manifest = manifest(&options);
        let mut modules: Vec<String> = split_points
            .iter()
            .filter_map(|split_point| manifest.get(*split_point))
            .flatten()
            .map(|module| format!("{pkg}/{module}.wasm"))
            .collect();
        modules.sort();
        modules.dedup();
        let script = format!(
            "{}({:?}, {:?}, {:?}, {:?});",
            include_str!("shell/start.js"),
            format!("{pkg}/{name}.js"),
            format!("{pkg}/{name}.wasm"),
            format!("{pkg}/{SPLIT_LOADER}"),
            modules,
        );
        view! { <script type="module" nonce=nonce.clone()>{script}</script> }
    }
}

/// `__wasm_split_manifest.json` (written by `scripts/build.sh`): the modules each lazy
/// function needs. Read once; without a built client, empty.
fn manifest(options: &LeptosOptions) -> &'static HashMap<String, Vec<String>> {
    static MANIFEST: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    MANIFEST.get_or_init(|| {
        let path = Path::new(options.site_root.as_ref())
            .join(options.site_pkg_dir.as_ref())
            .join("__wasm_split_manifest.json");
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    })
}

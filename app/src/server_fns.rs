//! Server functions: thin adapters from the UI to the server's services (provided as context).
//! The account functions have fixed endpoints (`/api/<name>`), so API clients and tests can
//! reach them by name.

use leptos::prelude::*;
use pianorhythm_api::{
    account::{Checked, Profile, ProviderButton, Settings, SignedIn},
    sheets::{
        FavoriteState, Recording, SavedRecording, SheetEdit, SheetOverview, SheetQuery,
        SheetResults, SheetSummary,
    },
};
use pianorhythm_core::rooms::RoomSummary;

/// The public rooms to show in the lobby, the permanent Lobby first.
#[server]
pub async fn list_rooms() -> Result<Vec<RoomSummary>, ServerFnError> {
    let rooms = expect_context::<pianorhythm_api::services::SharedRoomDirectory>();
    Ok(rooms.public_rooms())
}

/// Creates a room owned by the player from the lobby's form, and goes to it. A form post
/// before the page is live (or without JavaScript) is answered with the room's page.
/// `private` is a checkbox: present ("on") when ticked.
#[server(endpoint = "create_room")]
pub async fn create_room(
    name: String,
    password: String,
    max_players: String,
    private: Option<String>,
) -> Result<(), ServerFnError> {
    let rooms = expect_context::<pianorhythm_api::services::SharedRoomDirectory>();
    let request = expect_context::<http::request::Parts>();
    let max_players = match max_players.trim() {
        "" => None,
        number => Some(
            number
                .parse()
                .map_err(|_| ServerFnError::new("Max players is a whole number, from 1 to 50."))?,
        ),
    };
    let form = pianorhythm_api::rooms::CreateRoomForm {
        name,
        private: private.is_some(),
        password: Some(password).filter(|password| !password.is_empty()),
        max_players,
    };
    let room = rooms
        .create_room(&request, form)
        .await
        .map_err(ServerFnError::new)?;
    leptos_axum::redirect(&crate::paths::room_path(&room.name));
    Ok(())
}

/// Goes to the room a player named in the lobby's "Join a room by name", when the form is
/// posted before the page is live. Once live, the page joins at once (with the password).
#[server(endpoint = "go_to_room")]
pub async fn go_to_room(room: String) -> Result<(), ServerFnError> {
    match room.trim() {
        "" => leptos_axum::redirect("/"),
        room => leptos_axum::redirect(&crate::paths::room_path(room)),
    }
    Ok(())
}

/// The accounts service and the request being served.
#[cfg(feature = "ssr")]
fn accounts() -> (
    pianorhythm_api::services::SharedAccounts,
    http::request::Parts,
) {
    (expect_context(), expect_context())
}

/// The signed-in account, or `None` for a guest.
#[server(endpoint = "who_am_i")]
pub async fn who_am_i() -> Result<Option<SignedIn>, ServerFnError> {
    let (accounts, request) = accounts();
    Ok(accounts.signed_in(&request).await)
}

#[server(endpoint = "sign_in_providers")]
pub async fn sign_in_providers() -> Result<Vec<ProviderButton>, ServerFnError> {
    let (accounts, _) = accounts();
    Ok(accounts.providers())
}

#[server(endpoint = "pending_usertag")]
pub async fn pending_usertag() -> Result<Option<String>, ServerFnError> {
    let (accounts, request) = accounts();
    Ok(accounts.pending_usertag(&request).await)
}

/// Creates the account of a first sign-in; answers the page to go back to.
#[server(endpoint = "choose_usertag")]
pub async fn choose_usertag(usertag: String) -> Result<Checked<String>, ServerFnError> {
    let (accounts, request) = accounts();
    accounts
        .choose_usertag(&request, usertag)
        .await
        .map_err(ServerFnError::new)
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ServerFnError> {
    let (accounts, request) = accounts();
    accounts
        .sign_out(&request)
        .await
        .map_err(ServerFnError::new)
}

#[server(endpoint = "my_profile")]
pub async fn my_profile() -> Result<Profile, ServerFnError> {
    let (accounts, request) = accounts();
    accounts.profile(&request).await.map_err(ServerFnError::new)
}

#[server(endpoint = "update_profile")]
pub async fn update_profile(
    username: String,
    color: String,
    bio: String,
    avatar_url: String,
    location: String,
) -> Result<Checked<Profile>, ServerFnError> {
    let (accounts, request) = accounts();
    let form = pianorhythm_api::account::ProfileForm {
        username,
        color,
        bio,
        avatar_url,
        location,
    };
    accounts
        .update_profile(&request, form)
        .await
        .map_err(ServerFnError::new)
}

#[server(endpoint = "my_settings")]
pub async fn my_settings() -> Result<Settings, ServerFnError> {
    let (accounts, request) = accounts();
    accounts
        .settings(&request)
        .await
        .map_err(ServerFnError::new)
}

/// `notifications` is a checkbox: present ("on") when ticked, absent otherwise. Without a
/// `theme` (the settings page chooses it in a form of its own), the theme is kept.
#[server(endpoint = "update_settings")]
pub async fn update_settings(
    theme: Option<String>,
    privacy: String,
    notifications: Option<String>,
) -> Result<Checked<Settings>, ServerFnError> {
    let (accounts, request) = accounts();
    let theme = match theme {
        Some(theme) => theme,
        None => {
            let current = accounts.settings(&request).await;
            current.map_err(ServerFnError::new)?.theme
        }
    };
    let settings = Settings {
        theme,
        notifications: notifications.is_some(),
        privacy,
    };
    accounts
        .update_settings(&request, settings)
        .await
        .map_err(ServerFnError::new)
}

/// The theme the pages are drawn in, for anyone: kept in a member's settings, and in a cookie
/// (a guest's only record of it) that the server reads on every page.
#[server(endpoint = "choose_theme")]
pub async fn choose_theme(theme: String) -> Result<Checked<String>, ServerFnError> {
    use pianorhythm_api::account::Theme;
    let (accounts, request) = accounts();
    let chosen = accounts
        .choose_theme(&request, theme)
        .await
        .map_err(ServerFnError::new)?;
    Ok(chosen.map(|theme| {
        // A year, renewed with each choice. Not a secret: no page script needs to read it.
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            Theme::COOKIE,
            theme.name()
        );
        if let Ok(cookie) = http::HeaderValue::from_str(&cookie) {
            let response = expect_context::<leptos_axum::ResponseOptions>();
            response.append_header(http::header::SET_COOKIE, cookie);
        }
        theme.name().to_owned()
    }))
}

#[server(endpoint = "user_profile")]
pub async fn user_profile(usertag: String) -> Result<Profile, ServerFnError> {
    let (accounts, request) = accounts();
    accounts
        .public_profile(&request, usertag)
        .await
        .map_err(ServerFnError::new)
}

/// The sheet library service and the request being served.
#[cfg(feature = "ssr")]
fn sheets() -> (
    pianorhythm_api::services::SharedSheets,
    http::request::Parts,
) {
    (expect_context(), expect_context())
}

#[server(endpoint = "search_sheets")]
pub async fn search_sheets(query: SheetQuery) -> Result<SheetResults, ServerFnError> {
    let (sheets, _) = sheets();
    sheets.search(query).await.map_err(ServerFnError::new)
}

/// A sheet for its page, without its notes (see [`SheetOverview`]).
#[server(endpoint = "get_sheet_overview")]
pub async fn get_sheet_overview(id: String) -> Result<SheetOverview, ServerFnError> {
    let (sheets, request) = sheets();
    sheets
        .overview(&request, id)
        .await
        .map_err(ServerFnError::new)
}

/// The upload form: `title`, `category`, `difficulty`, `tags` and `file`, as multipart.
#[server(endpoint = "upload_sheet", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn upload_sheet(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<Checked<SheetSummary>, ServerFnError> {
    let (sheets, request) = sheets();
    let mut form = data
        .into_inner()
        .ok_or_else(|| ServerFnError::new("the upload form is missing"))?;
    let mut fields = pianorhythm_api::services::UploadFields::default();
    while let Some(field) = form.next_field().await.map_err(ServerFnError::new)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            fields.file_name = field.file_name().unwrap_or_default().to_owned();
            fields.file = field.bytes().await.map_err(ServerFnError::new)?.to_vec();
        } else {
            let text = field.text().await.map_err(ServerFnError::new)?;
            fields.set(&name, text);
        }
    }
    sheets
        .upload(&request, fields)
        .await
        .map_err(ServerFnError::new)
}

#[server(endpoint = "favorite_sheet")]
pub async fn favorite_sheet(id: String, on: bool) -> Result<FavoriteState, ServerFnError> {
    let (sheets, request) = sheets();
    sheets
        .favorite(&request, id, on)
        .await
        .map_err(ServerFnError::new)
}

#[server(endpoint = "edit_sheet", input = leptos::server_fn::codec::Json)]
pub async fn edit_sheet(
    id: String,
    edit: SheetEdit,
) -> Result<Checked<SheetSummary>, ServerFnError> {
    let (sheets, request) = sheets();
    sheets
        .edit(&request, id, edit)
        .await
        .map_err(ServerFnError::new)
}

#[server(endpoint = "delete_sheet")]
pub async fn delete_sheet(id: String) -> Result<(), ServerFnError> {
    let (sheets, request) = sheets();
    sheets
        .delete(&request, id)
        .await
        .map_err(ServerFnError::new)
}

/// A room's recording as a MIDI file (its bytes), for anyone in a room to download.
#[server(endpoint = "recording_midi", input = leptos::server_fn::codec::Json)]
pub async fn recording_midi(recording: Recording) -> Result<Vec<u8>, ServerFnError> {
    let (sheets, _) = sheets();
    sheets.recording_midi(recording).map_err(ServerFnError::new)
}

/// Keeps a room's recording as a sheet (Members and up).
#[server(endpoint = "save_recording", input = leptos::server_fn::codec::Json)]
pub async fn save_recording(saved: SavedRecording) -> Result<Checked<SheetSummary>, ServerFnError> {
    let (sheets, request) = sheets();
    sheets
        .save_recording(&request, saved)
        .await
        .map_err(ServerFnError::new)
}

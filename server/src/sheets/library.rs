//! [`SheetLibrary`]: uploading, finding, favouriting, downloading, editing and deleting sheet
//! music. The REST API and the pages' server functions are thin adapters over it.
//!
//! A sheet's source is read once, at upload, into its timeline (`sheet_format::timeline`),
//! stored with it; the practice view and the MIDI download are made from that. A sheet
//! stored before timelines were is read at its first read and its timeline written back (a
//! lazy migration: nothing to wait for at startup, and sheets nobody opens cost nothing).
//! Reading, converting and serialising a big sheet is CPU work: it runs on [`HeavyWork`].

use std::sync::Arc;

use pianorhythm_api::services::UploadFields;
use pianorhythm_api::sheets::{
    FavoriteState, PracticeNote, PracticePedal, SavedRecording, SheetDetail, SheetEdit,
    SheetOverview, SheetQuery, SheetResults, SheetSummary,
};
use pianorhythm_core::domain::audit::AuditAction;
use pianorhythm_core::domain::sheet_music::{
    self, Difficulty, NewSheet, Sheet, SheetFormat, SheetSearch, SheetUpdate, DEFAULT_PAGE_SIZE,
};
use pianorhythm_core::sheet_format::{self, timeline, Score};
use pianorhythm_store::ports::{AuditLog, SheetMusicStore};

use super::{heavy::HeavyWork, recording};
use pianorhythm_engine::{
    metrics,
    policy::{self, Action},
    quotas::AccountQuota,
};

use crate::{
    accounts::{audit_trail, Caller},
    service_error::ServiceError,
};

/// A file to download.
pub struct Download {
    /// The file.
    pub bytes: Vec<u8>,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// The name to save it under.
    pub file_name: String,
}

#[derive(Clone)]
pub struct SheetLibrary {
    /// Where sheets, their content and favourites are kept.
    sheets: Arc<dyn SheetMusicStore>,
    /// Sheets each account may create an hour and a day; every way of creating one draws on it.
    uploads: Arc<AccountQuota>,
    /// Where reading, converting and serialising big sheets runs, off the async workers.
    heavy: HeavyWork,
    /// Where uploads, edits and deletions are recorded for staff.
    audit: Arc<dyn AuditLog>,
}

impl SheetLibrary {
    pub fn new(
        sheets: Arc<dyn SheetMusicStore>,
        uploads: Arc<AccountQuota>,
        audit: Arc<dyn AuditLog>,
    ) -> Self {
        Self {
            sheets,
            uploads,
            heavy: HeavyWork::for_this_machine(),
            audit,
        }
    }

    async fn audit(
        &self,
        caller: &Caller,
        action: AuditAction,
        sheet: &Sheet,
    ) -> Result<(), ServiceError> {
        let details = sheet.title.clone();
        audit_trail::record(&*self.audit, caller, action, &sheet.id, details).await
    }

    /// Stores a Member's upload once its fields and file check out.
    pub async fn upload(
        &self,
        caller: &Caller,
        upload: UploadFields,
    ) -> Result<SheetSummary, ServiceError> {
        policy::require(caller.role(), Action::ShareSheets)?;
        let user = caller.identity.user().ok_or(policy::Denied {
            action: Action::ShareSheets,
            role: caller.role(),
        })?;
        let title = field("title", sheet_music::title(&upload.title))?;
        let category = field("category", sheet_music::category(&upload.category))?;
        let difficulty = difficulty(&upload.difficulty)?;
        let tags = field("tags", sheet_music::tags(&split_tags(&upload.tags)))?;
        if upload.file.is_empty() {
            return Err(ServiceError::field("file", "choose a file to upload"));
        }
        let format = format_of(&upload.file_name)?;
        let file = upload.file;
        let (content, timeline) = self
            .heavy
            .run(move || {
                let score = sheet_format::read(format, &file)?;
                Ok::<_, ServiceError>((file, timeline::encode(&score)))
            })
            .await??;
        // Charged to the account once the sheet would be stored: a mistake costs nothing.
        self.uploads.take(&user.id).await?;
        let sheet = NewSheet {
            title,
            creator_id: user.id.clone(),
            creator_name: user.usertag.clone(),
            tags,
            category,
            difficulty,
            format,
            content,
            timeline: Some(timeline),
        };
        let created = self.sheets.create(sheet).await?;
        self.audit(caller, AuditAction::SheetUploaded, &created)
            .await?;
        Ok(summary(&created))
    }

    pub async fn search(&self, query: &SheetQuery) -> Result<SheetResults, ServiceError> {
        let difficulty = query
            .difficulty
            .as_deref()
            .filter(|text| !text.is_empty())
            .map(difficulty)
            .transpose()?;
        let category = query
            .category
            .as_deref()
            .filter(|text| !text.trim().is_empty());
        let search = SheetSearch::new(
            &query.query,
            category,
            difficulty,
            query.skip.unwrap_or(0),
            query.limit.unwrap_or(DEFAULT_PAGE_SIZE),
        )
        .map_err(|invalid| ServiceError::field("query", invalid.0))?;
        let page = metrics::timed("sheet.search", self.sheets.search(&search)).await?;
        Ok(SheetResults {
            data: page.sheets.iter().map(summary).collect(),
            total: page.total,
        })
    }

    /// A sheet for its page: what the library lists of it, without its notes (the page
    /// fetches them from [`SheetLibrary::detail_json`] once it runs in the browser).
    pub async fn overview(&self, caller: &Caller, id: &str) -> Result<SheetOverview, ServiceError> {
        let sheet = self.sheets.get(id).await?;
        Ok(SheetOverview {
            can_edit: may_change(caller, &sheet),
            sheet: summary(&sheet),
        })
    }

    /// A sheet with its notes as JSON, for the practice view and API clients. Decoded and
    /// serialised off the async workers: the JSON of a 50,000-note sheet is about 3 MB.
    pub async fn detail_json(&self, caller: &Caller, id: &str) -> Result<Vec<u8>, ServiceError> {
        let sheet = self.sheets.get(id).await?;
        let can_edit = may_change(caller, &sheet);
        let score = self.score(&sheet).await?;
        self.heavy
            .run(move || serde_json::to_vec(&detail_of(&sheet, can_edit, &score)))
            .await?
            .map_err(|error| ServiceError::unavailable(format_args!("the sheet as JSON: {error}")))
    }

    /// The sheet's timeline: the stored one, or (for a sheet stored before timelines were, or
    /// in an older layout) its source read now and the timeline written back for next time.
    async fn score(&self, sheet: &Sheet) -> Result<Score, ServiceError> {
        if let Some(stored) = self.sheets.timeline(&sheet.id).await? {
            match self.heavy.run(move || timeline::decode(&stored)).await? {
                Ok(score) => return Ok(score),
                Err(error) => {
                    tracing::info!(sheet = %sheet.id, %error, "computing the timeline again");
                }
            }
        }
        let content = self.sheets.content(&sheet.id).await?;
        let format = sheet.format;
        let (score, encoded) = self
            .heavy
            .run(move || {
                let score = sheet_format::read(format, &content)?;
                let encoded = timeline::encode(&score);
                Ok((score, encoded))
            })
            .await?
            .map_err(unreadable)?;
        // Served either way: a failed write only means the next read computes it again.
        if let Err(error) = self.sheets.set_timeline(&sheet.id, encoded).await {
            tracing::warn!(sheet = %sheet.id, %error, "the timeline could not be stored");
        }
        Ok(score)
    }

    /// Keeps a room's recording as a MIDI sheet, uploaded by the caller (Members and up).
    pub async fn save_recording(
        &self,
        caller: &Caller,
        saved: SavedRecording,
    ) -> Result<SheetSummary, ServiceError> {
        policy::require(caller.role(), Action::ShareSheets)?;
        let file = recording::to_midi(&saved.recording)?;
        let upload = UploadFields {
            title: saved.title,
            category: saved.category,
            difficulty: saved.difficulty,
            tags: saved.tags,
            file_name: "recording.mid".to_owned(),
            file,
        };
        self.upload(caller, upload).await
    }

    /// Adds (`on`) or removes the caller's favourite; answers the new state.
    pub async fn favorite(
        &self,
        caller: &Caller,
        id: &str,
        on: bool,
    ) -> Result<FavoriteState, ServiceError> {
        policy::require(caller.role(), Action::ShareSheets)?;
        let user_id = caller.identity.id();
        self.sheets.get(id).await?;
        if on {
            self.sheets.add_favorite(user_id, id).await?;
        } else {
            self.sheets.remove_favorite(user_id, id).await?;
        }
        Ok(FavoriteState {
            favorited: on,
            favorites: self.sheets.get(id).await?.favorite_count,
        })
    }

    /// The file as uploaded, or (`as_midi`) the sheet as a MIDI file; counted as a download.
    pub async fn download(&self, id: &str, as_midi: bool) -> Result<Download, ServiceError> {
        let sheet = self.sheets.get(id).await?;
        let stem = file_stem(&sheet.title);
        if as_midi && sheet.format != SheetFormat::Midi {
            let score = self.score(&sheet).await?;
            let bytes = self
                .heavy
                .run(move || sheet_format::to_midi(&score))
                .await?;
            self.sheets.record_download(id).await?;
            return Ok(Download {
                bytes,
                content_type: "audio/midi",
                file_name: format!("{stem}.mid"),
            });
        }
        let content = self.sheets.content(id).await?;
        let download = match sheet.format {
            SheetFormat::Midi => Download {
                bytes: content,
                content_type: "audio/midi",
                file_name: format!("{stem}.mid"),
            },
            SheetFormat::VirtualPiano => Download {
                bytes: content,
                content_type: "text/plain; charset=utf-8",
                file_name: format!("{stem}.txt"),
            },
            other => Download {
                bytes: content,
                content_type: "application/octet-stream",
                file_name: format!("{stem}.{}", other.as_str()),
            },
        };
        self.sheets.record_download(id).await?;
        Ok(download)
    }

    /// Changes a sheet's title, tags, category or difficulty: its uploader or a moderator.
    pub async fn edit(
        &self,
        caller: &Caller,
        id: &str,
        update: SheetUpdate,
    ) -> Result<SheetSummary, ServiceError> {
        let sheet = self.sheets.get(id).await?;
        if !may_change(caller, &sheet) {
            return Err(changing_refused(caller));
        }
        // Checked here, field by field, so a mistake is named by its field.
        let update = SheetUpdate {
            title: update
                .title
                .map(|title| field("title", sheet_music::title(&title)))
                .transpose()?,
            tags: update
                .tags
                .map(|tags| field("tags", sheet_music::tags(&tags)))
                .transpose()?,
            category: update
                .category
                .map(|category| field("category", sheet_music::category(&category)))
                .transpose()?,
            difficulty: update.difficulty,
        };
        let edited = self.sheets.update(id, update).await?;
        self.audit(caller, AuditAction::SheetEdited, &edited)
            .await?;
        Ok(summary(&edited))
    }

    /// [`SheetLibrary::edit`] with every field as the sheet page's form sends it.
    pub async fn edit_form(
        &self,
        caller: &Caller,
        id: &str,
        form: SheetEdit,
    ) -> Result<SheetSummary, ServiceError> {
        let update = SheetUpdate {
            title: Some(form.title),
            tags: Some(split_tags(&form.tags)),
            category: Some(form.category),
            difficulty: Some(difficulty(&form.difficulty)?),
        };
        self.edit(caller, id, update).await
    }

    /// Deletes a sheet: its uploader or a moderator.
    pub async fn delete(&self, caller: &Caller, id: &str) -> Result<(), ServiceError> {
        let sheet = self.sheets.get(id).await?;
        if !may_change(caller, &sheet) {
            return Err(changing_refused(caller));
        }
        self.sheets.delete(id).await?;
        self.audit(caller, AuditAction::SheetDeleted, &sheet).await
    }
}

/// The uploader (still allowed to share) or a moderator.
fn may_change(caller: &Caller, sheet: &Sheet) -> bool {
    let own = caller
        .identity
        .user()
        .is_some_and(|user| user.id == sheet.creator_id)
        && policy::allows(caller.role(), Action::ShareSheets);
    own || policy::allows(caller.role(), Action::ModerateSheets)
}

/// Guests are asked to sign in; members are told it is not theirs.
fn changing_refused(caller: &Caller) -> ServiceError {
    match policy::require(caller.role(), Action::ShareSheets) {
        Err(denied) => denied.into(),
        Ok(()) => ServiceError::NotYours,
    }
}

fn unreadable(error: sheet_format::FormatError) -> ServiceError {
    ServiceError::unavailable(format_args!("the stored sheet is unreadable: {error}"))
}

/// What the practice view shows of a sheet.
fn detail_of(sheet: &Sheet, can_edit: bool, score: &Score) -> SheetDetail {
    SheetDetail {
        can_edit,
        sheet: summary(sheet),
        tempo_bpm: score.tempo_bpm,
        notes: score
            .notes
            .iter()
            .map(|note| PracticeNote::new(note.start_ms, note.duration_ms, note.key, note.velocity))
            .collect(),
        pedal: score
            .pedal
            .iter()
            .map(|change| PracticePedal {
                at_ms: change.at_ms,
                down: change.down,
            })
            .collect(),
    }
}

pub fn summary(sheet: &Sheet) -> SheetSummary {
    SheetSummary {
        id: sheet.id.clone(),
        title: sheet.title.clone(),
        creator: sheet.creator_name.clone(),
        tags: sheet.tags.clone(),
        category: sheet.category.clone(),
        difficulty: sheet.difficulty.as_str().to_owned(),
        favorites: sheet.favorite_count,
        downloads: sheet.download_count,
        created_at: sheet.created_at,
        format: sheet.format.as_str().to_owned(),
    }
}

fn format_of(file_name: &str) -> Result<SheetFormat, ServiceError> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".txt") {
        Ok(SheetFormat::VirtualPiano)
    } else if lower.ends_with(".mid") || lower.ends_with(".midi") {
        Ok(SheetFormat::Midi)
    } else {
        Err(ServiceError::field(
            "file",
            "upload a Virtual Piano sheet (.txt) or a MIDI file (.mid)",
        ))
    }
}

pub fn difficulty(text: &str) -> Result<Difficulty, ServiceError> {
    Difficulty::parse(text.trim()).ok_or_else(|| {
        ServiceError::field(
            "difficulty",
            "the difficulty is beginner, intermediate, advanced or expert",
        )
    })
}

/// A form's comma-separated tags, each trimmed, empty ones dropped.
pub fn split_tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect()
}

fn field<T>(
    name: &'static str,
    result: Result<T, pianorhythm_core::validation::Invalid>,
) -> Result<T, ServiceError> {
    result.map_err(|invalid| ServiceError::field(name, invalid.0))
}

/// A file name made of the title: letters, digits, spaces and dashes only.
fn file_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let stem = stem.trim();
    if stem.is_empty() {
        "sheet".to_owned()
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_are_known_by_their_file_names() {
        assert_eq!(
            format_of("Für Elise.TXT").unwrap(),
            SheetFormat::VirtualPiano
        );
        assert_eq!(format_of("song.mid").unwrap(), SheetFormat::Midi);
        assert_eq!(format_of("song.midi").unwrap(), SheetFormat::Midi);
        assert!(format_of("song.exe").is_err());
        assert!(format_of("mid").is_err());
    }

    #[test]
    fn tags_are_split_on_commas_and_file_names_are_safe() {
        assert_eq!(split_tags(" jazz, ,blues,"), ["jazz", "blues"]);
        assert_eq!(file_stem("../../etc/passwd"), "______etc_passwd");
        assert_eq!(file_stem("Für Elise"), "Für Elise");
        assert_eq!(file_stem(""), "sheet");
    }
}

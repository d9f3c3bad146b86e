//! Sheet music members upload, search, favourite and download, and how it is searched.

use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::{
    domain::{match_key, UnixMillis},
    validation::{clean_line, Invalid},
};

pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;
pub const MAX_CONTENT_BYTES: usize = 1024 * 1024;
pub const MAX_SEARCH_CHARS: usize = 200;
pub const MAX_PAGE_SIZE: u32 = 100;
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// The furthest a search may page: far past what anyone browses (500 pages of 20), and a
/// bound on the rows a store walks past before the page it answers.
pub const MAX_SKIP: u64 = 10_000;

/// A sheet's description; its content is fetched on its own, as it can be large.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub id: String,
    pub title: String,
    pub creator_id: String,
    pub creator_name: String,
    pub tags: Vec<String>,
    pub category: String,
    pub difficulty: Difficulty,
    pub format: SheetFormat,
    pub favorite_count: u64,
    pub download_count: u64,
    pub created_at: UnixMillis,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSheet {
    pub title: String,
    pub creator_id: String,
    pub creator_name: String,
    pub tags: Vec<String>,
    pub category: String,
    pub difficulty: Difficulty,
    pub format: SheetFormat,
    pub content: Vec<u8>,
    /// The content read once into a timeline (`sheet_format::timeline`), so pages and
    /// downloads never read the source again; `None` for a sheet stored the old way, whose
    /// timeline is computed at its first read.
    pub timeline: Option<Vec<u8>>,
}

impl NewSheet {
    pub fn validated(self) -> Result<Self, Invalid> {
        let title = title(&self.title)?;
        let tags = tags(&self.tags)?;
        if self.content.len() > MAX_CONTENT_BYTES {
            return Err(Invalid(format!(
                "sheet content is over {MAX_CONTENT_BYTES} bytes"
            )));
        }
        Ok(Self {
            title,
            tags,
            creator_name: bounded(&self.creator_name, "creator name", MAX_TITLE_CHARS)?,
            category: category(&self.category)?,
            ..self
        })
    }
}

/// What an uploader (or a moderator) may change; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetUpdate {
    /// A new title, by the same rules as a new sheet's.
    pub title: Option<String>,
    /// All of the sheet's tags, replacing the old ones (an empty list removes them all).
    pub tags: Option<Vec<String>>,
    /// A new category, kept lower-cased like a new sheet's.
    pub category: Option<String>,
    /// A new difficulty.
    pub difficulty: Option<Difficulty>,
}

impl SheetUpdate {
    /// The same update, each named field cleaned as [`NewSheet::validated`] cleans it.
    pub fn validated(self) -> Result<Self, Invalid> {
        Ok(Self {
            title: self.title.as_deref().map(title).transpose()?,
            tags: self.tags.as_deref().map(tags).transpose()?,
            category: self.category.as_deref().map(category).transpose()?,
            difficulty: self.difficulty,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Difficulty {
    Beginner,
    Intermediate,
    Advanced,
    Expert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SheetFormat {
    VirtualPiano,
    Mpp,
    #[strum(serialize = "musicxml")]
    MusicXml,
    Midi,
}

stored_names!(Difficulty, SheetFormat);

impl Difficulty {
    pub const ALL: &'static [Difficulty] = <Self as VariantArray>::VARIANTS;
}

impl SheetFormat {
    pub const ALL: &'static [SheetFormat] = <Self as VariantArray>::VARIANTS;
}

/// A search of the sheet music, as the seed defines it: `text` found (ignoring case) in the
/// title, the creator's name or any tag; optional category and difficulty; newest first.
/// The text is matched as plain text: it is never a pattern or a query operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetSearch {
    /// Lower-cased search text; empty matches every sheet.
    pub text_key: String,
    pub category: Option<String>,
    pub difficulty: Option<Difficulty>,
    pub skip: u64,
    /// 1 to [`MAX_PAGE_SIZE`].
    pub limit: u32,
}

impl SheetSearch {
    pub fn new(
        text: &str,
        category: Option<&str>,
        difficulty: Option<Difficulty>,
        skip: u64,
        limit: u32,
    ) -> Result<Self, Invalid> {
        let text = clean_line(text);
        if text.chars().count() > MAX_SEARCH_CHARS {
            return Err(Invalid(format!(
                "search text is over {MAX_SEARCH_CHARS} characters"
            )));
        }
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            return Err(Invalid(format!(
                "limit must be between 1 and {MAX_PAGE_SIZE}"
            )));
        }
        if skip > MAX_SKIP {
            return Err(Invalid(format!("skip must be at most {MAX_SKIP}")));
        }
        Ok(Self {
            text_key: match_key(&text),
            category: category.map(self::category).transpose()?,
            difficulty,
            skip,
            limit,
        })
    }

    /// Whether `sheet` matches, by the same rules every backend implements.
    pub fn matches(&self, sheet: &Sheet) -> bool {
        let text_matches = self.text_key.is_empty()
            || match_key(&sheet.title).contains(&self.text_key)
            || match_key(&sheet.creator_name).contains(&self.text_key)
            || sheet
                .tags
                .iter()
                .any(|tag| match_key(tag).contains(&self.text_key));
        text_matches
            && self.category.as_ref().is_none_or(|c| *c == sheet.category)
            && self.difficulty.is_none_or(|d| d == sheet.difficulty)
    }
}

/// One page of results and how many match in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetPage {
    pub sheets: Vec<Sheet>,
    pub total: u64,
}

/// Categories are compared exactly, so they are kept lower-cased.
pub fn category(text: &str) -> Result<String, Invalid> {
    Ok(match_key(&bounded(text, "category", MAX_TAG_CHARS)?))
}

/// The lower-cased tags joined by newlines: a newline never survives [`clean_line`], so a
/// search text can match inside one tag but never across two.
pub fn tags_key(tags: &[String]) -> String {
    tags.iter()
        .map(|tag| match_key(tag))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn title(text: &str) -> Result<String, Invalid> {
    bounded(text, "title", MAX_TITLE_CHARS)
}

/// At most [`MAX_TAGS`] tags, each cleaned and bounded, without repeats (first kept).
pub fn tags(tags: &[String]) -> Result<Vec<String>, Invalid> {
    if tags.len() > MAX_TAGS {
        return Err(Invalid(format!("at most {MAX_TAGS} tags")));
    }
    let mut cleaned = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = bounded(tag, "tag", MAX_TAG_CHARS)?;
        if !cleaned.contains(&tag) {
            cleaned.push(tag);
        }
    }
    Ok(cleaned)
}

fn bounded(text: &str, what: &str, max_chars: usize) -> Result<String, Invalid> {
    let text = clean_line(text);
    match text.chars().count() {
        0 => Err(Invalid(format!("{what} cannot be empty"))),
        n if n > max_chars => Err(Invalid(format!("{what} is over {max_chars} characters"))),
        _ => Ok(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(title: &str, creator: &str, tags: &[&str]) -> Sheet {
        Sheet {
            id: "1".into(),
            title: title.into(),
            creator_id: "u".into(),
            creator_name: creator.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            category: "classical".into(),
            difficulty: Difficulty::Beginner,
            format: SheetFormat::VirtualPiano,
            favorite_count: 0,
            download_count: 0,
            created_at: 0,
        }
    }

    #[test]
    fn search_text_is_plain_text_matched_ignoring_case() {
        let fur_elise = sheet("Für Elise", "Ludwig", &["Romantic", "piano"]);
        let search = |text| SheetSearch::new(text, None, None, 0, 10).unwrap();
        assert!(search("FÜR").matches(&fur_elise));
        assert!(search("ludw").matches(&fur_elise));
        assert!(search("mant").matches(&fur_elise));
        assert!(!search(".*").matches(&fur_elise));
        assert!(!search("(").matches(&fur_elise));
        // The newline is stripped from the text, and tags are never matched across each other.
        assert!(!search("romantic\npiano").matches(&fur_elise));
    }

    #[test]
    fn limits_and_text_are_bounded() {
        assert!(SheetSearch::new("a", None, None, 0, 0).is_err());
        assert!(SheetSearch::new("a", None, None, 0, 101).is_err());
        assert!(SheetSearch::new("a", None, None, 0, 100).is_ok());
        assert!(SheetSearch::new("a", None, None, MAX_SKIP, 100).is_ok());
        assert!(SheetSearch::new("a", None, None, MAX_SKIP + 1, 1).is_err());
        assert!(SheetSearch::new("a", None, None, u64::MAX, 1).is_err());
        assert!(SheetSearch::new(&"a".repeat(201), None, None, 0, 1).is_err());
    }

    #[test]
    fn enum_names_round_trip() {
        for difficulty in Difficulty::ALL {
            assert_eq!(Difficulty::parse(difficulty.as_str()), Some(*difficulty));
        }
        for format in SheetFormat::ALL {
            assert_eq!(SheetFormat::parse(format.as_str()), Some(*format));
        }
    }

    #[test]
    fn new_sheets_are_cleaned() {
        let sheet = NewSheet {
            title: "  Nocturne ".into(),
            creator_id: "u".into(),
            creator_name: "Fred".into(),
            tags: vec!["Night".into(), "Night".into()],
            category: " Classical ".into(),
            difficulty: Difficulty::Advanced,
            format: SheetFormat::MusicXml,
            content: b"<score/>".to_vec(),
            timeline: None,
        }
        .validated()
        .unwrap();
        assert_eq!(sheet.title, "Nocturne");
        assert_eq!(sheet.tags, ["Night"]);
        assert_eq!(sheet.category, "classical");
    }

    #[test]
    fn updates_are_cleaned_by_the_same_rules_and_leave_unnamed_fields() {
        let update = SheetUpdate {
            title: Some(" Nocturne ".into()),
            tags: Some(vec!["Night".into(), " Night ".into()]),
            category: Some(" Jazz ".into()),
            difficulty: None,
        }
        .validated()
        .unwrap();
        assert_eq!(update.title.as_deref(), Some("Nocturne"));
        assert_eq!(update.tags, Some(vec!["Night".to_owned()]));
        assert_eq!(update.category.as_deref(), Some("jazz"));
        assert_eq!(update.difficulty, None);
        assert_eq!(
            SheetUpdate::default().validated(),
            Ok(SheetUpdate::default())
        );
        let bad = [
            SheetUpdate {
                title: Some(" ".into()),
                ..Default::default()
            },
            SheetUpdate {
                tags: Some(vec!["x".repeat(MAX_TAG_CHARS + 1)]),
                ..Default::default()
            },
            SheetUpdate {
                tags: Some((0..=MAX_TAGS).map(|n| n.to_string()).collect()),
                ..Default::default()
            },
            SheetUpdate {
                category: Some(String::new()),
                ..Default::default()
            },
        ];
        for update in bad {
            assert!(update.clone().validated().is_err(), "{update:?}");
        }
    }
}

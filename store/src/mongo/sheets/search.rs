//! The search filter on MongoDB: the seed's rules (see [`SheetSearch`]) with the text escaped
//! into a literal `$regex` on lower-cased copies of the title, creator name and tags.
//!
//! `$text` is not used even where a text index exists: it matches whole stemmed words, not
//! substrings, so results would differ between servers and from the embedded store.

use mongodb::bson::{doc, Document};
use pianorhythm_core::domain::sheet_music::SheetSearch;

/// The seed's filter with the text as a literal: lower-cased like the fields it is compared
/// with, and every regex metacharacter escaped.
pub(super) fn filter(search: &SheetSearch) -> Document {
    let mut filter = Document::new();
    if !search.text_key.is_empty() {
        let literal = regex_syntax::escape(&search.text_key);
        filter.insert(
            "$or",
            vec![
                doc! { "titleLower": { "$regex": &literal } },
                doc! { "creatorNameLower": { "$regex": &literal } },
                doc! { "tagsLower": { "$regex": &literal } },
            ],
        );
    }
    if let Some(category) = &search.category {
        filter.insert("category", category);
    }
    if let Some(difficulty) = search.difficulty {
        filter.insert("difficulty", difficulty.as_str());
    }
    filter
}

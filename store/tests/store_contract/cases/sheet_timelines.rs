//! A sheet's stored timeline: kept with the sheet when created, absent on a sheet stored the
//! old way until one is set, and never mixed into the sheet's other reads.

use pianorhythm_core::domain::sheet_music::NewSheet;
use pianorhythm_store::StoreError;

use super::new_sheet;
use crate::backends::Backend;

pub async fn a_sheet_keeps_its_timeline_and_an_old_one_gets_one_later(backend: &mut Backend) {
    let sheets = &backend.store.sheets;
    // Every byte value, as a binary timeline holds.
    let timeline: Vec<u8> = (0..=255).cycle().take(900_017).collect();
    let with = sheets
        .create(NewSheet {
            timeline: Some(timeline.clone()),
            ..new_sheet("Computed", "Someone", &[])
        })
        .await
        .unwrap();
    assert_eq!(
        sheets.timeline(&with.id).await.unwrap(),
        Some(timeline.clone())
    );
    assert_eq!(sheets.content(&with.id).await.unwrap(), b"[tf] y u i");

    let old = sheets
        .create(new_sheet("Stored the old way", "Someone", &[]))
        .await
        .unwrap();
    assert_eq!(sheets.timeline(&old.id).await.unwrap(), None);
    sheets.set_timeline(&old.id, vec![1, 2, 3]).await.unwrap();
    assert_eq!(sheets.timeline(&old.id).await.unwrap(), Some(vec![1, 2, 3]));
    // Replaced whole, e.g. by a newer layout; the sheet itself is untouched.
    sheets.set_timeline(&old.id, vec![9]).await.unwrap();
    assert_eq!(sheets.timeline(&old.id).await.unwrap(), Some(vec![9]));
    assert_eq!(sheets.get(&old.id).await.unwrap(), old);
    assert_eq!(
        sheets.timeline(&with.id).await.unwrap(),
        Some(timeline),
        "another sheet's timeline is left alone"
    );

    assert!(matches!(
        sheets.timeline("no-such-sheet").await,
        Err(StoreError::NotFound("sheet"))
    ));
    assert!(matches!(
        sheets.set_timeline("no-such-sheet", vec![1]).await,
        Err(StoreError::NotFound("sheet"))
    ));
    sheets.delete(&old.id).await.unwrap();
    assert!(matches!(
        sheets.timeline(&old.id).await,
        Err(StoreError::NotFound("sheet"))
    ));
}

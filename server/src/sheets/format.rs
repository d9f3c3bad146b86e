//! How a sheet's format errors reach the player. The formats themselves are read and written
//! in `pianorhythm_core::sheet_format`, which the browser shares.

use pianorhythm_core::sheet_format::FormatError;

use crate::service_error::ServiceError;

/// A sheet the player sent cannot be read: the mistake is shown next to the upload's file.
/// (A stored sheet that cannot be read is the server's fault, not the player's: see
/// `sheets::library`.)
impl From<FormatError> for ServiceError {
    fn from(error: FormatError) -> Self {
        Self::field("file", error.to_string())
    }
}

//! [`SheetLibrary`] as the sheet pages' server functions see it ([`SheetService`]): each call
//! finds the caller of the request it serves, then asks the library.

use axum::http::request::Parts;
use pianorhythm_api::{
    account::{Checked, FieldError},
    services::{SheetService, UploadFields},
    sheets::{
        FavoriteState, Recording, SavedRecording, SheetEdit, SheetOverview, SheetQuery,
        SheetResults, SheetSummary,
    },
};

use super::{recording, SheetLibrary};
use crate::{
    accounts::{Accounts, Caller},
    service_error::ServiceError,
};

/// The library with what it takes to know who is asking.
#[derive(Clone)]
pub struct SheetPages {
    /// The service.
    pub library: SheetLibrary,
    /// Who is asking, from the request's session.
    pub accounts: Accounts,
}

impl SheetPages {
    async fn caller(&self, request: &Parts) -> Result<Caller, String> {
        Ok(self.accounts.caller_of(request).await?.1)
    }
}

fn message(error: ServiceError) -> String {
    error.to_string()
}

/// A form's outcome: a field's mistake is shown next to it, anything else as a message.
fn checked(result: Result<SheetSummary, ServiceError>) -> Result<Checked<SheetSummary>, String> {
    match result {
        Ok(sheet) => Ok(Ok(sheet)),
        Err(ServiceError::Field { field, message }) => Ok(Err(vec![FieldError {
            field: field.to_owned(),
            message,
        }])),
        Err(error) => Err(error.to_string()),
    }
}

#[async_trait::async_trait]
impl SheetService for SheetPages {
    async fn search(&self, query: SheetQuery) -> Result<SheetResults, String> {
        self.library.search(&query).await.map_err(message)
    }

    async fn overview(&self, request: &Parts, id: String) -> Result<SheetOverview, String> {
        let caller = self.caller(request).await?;
        self.library.overview(&caller, &id).await.map_err(message)
    }

    async fn upload(
        &self,
        request: &Parts,
        upload: UploadFields,
    ) -> Result<Checked<SheetSummary>, String> {
        let caller = self.caller(request).await?;
        checked(self.library.upload(&caller, upload).await)
    }

    async fn favorite(
        &self,
        request: &Parts,
        id: String,
        on: bool,
    ) -> Result<FavoriteState, String> {
        let caller = self.caller(request).await?;
        self.library
            .favorite(&caller, &id, on)
            .await
            .map_err(message)
    }

    async fn edit(
        &self,
        request: &Parts,
        id: String,
        edit: SheetEdit,
    ) -> Result<Checked<SheetSummary>, String> {
        let caller = self.caller(request).await?;
        checked(self.library.edit_form(&caller, &id, edit).await)
    }

    async fn delete(&self, request: &Parts, id: String) -> Result<(), String> {
        let caller = self.caller(request).await?;
        self.library.delete(&caller, &id).await.map_err(message)
    }

    fn recording_midi(&self, recording: Recording) -> Result<Vec<u8>, String> {
        recording::to_midi(&recording).map_err(message)
    }

    async fn save_recording(
        &self,
        request: &Parts,
        saved: SavedRecording,
    ) -> Result<Checked<SheetSummary>, String> {
        let caller = self.caller(request).await?;
        checked(self.library.save_recording(&caller, saved).await)
    }
}

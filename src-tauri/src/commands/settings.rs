//! User settings that the UI changes.

use crate::error::CommandError;
use crate::{preferences, window};
use mail_identity_core::locale::Locale;

/// Switches the language without a restart: remembered for next time, window retitled at once.
#[tauri::command]
#[specta::specta]
pub fn set_locale(app: tauri::AppHandle, locale: Locale) -> Result<(), CommandError> {
    preferences::save_locale(&app, locale)
        .map_err(|_| CommandError::new("preferences_unavailable"))?;
    window::retitle(&app, locale).map_err(|_| CommandError::new("unknown"))
}

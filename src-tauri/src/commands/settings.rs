//! User settings that the UI changes.

use crate::deployment::Deployment;
use crate::error::CommandError;
use crate::{preferences, window};
use mail_identity_core::locale::Locale;
use tauri::Manager;

/// Switches the language without a restart: remembered for next time, window retitled at once.
/// Only a language policy allows.
#[tauri::command]
#[specta::specta]
pub fn set_locale(
    app: tauri::AppHandle,
    deployment: tauri::State<'_, Deployment>,
    locale: Locale,
) -> Result<(), CommandError> {
    if !deployment.allowed_locales().contains(&locale) {
        return Err(CommandError::new("locale_not_allowed"));
    }
    preferences::save_locale(&app, locale)
        .map_err(|_| CommandError::new("preferences_unavailable"))?;
    // Codes sent from now on are worded in the new language.
    if let Some(link) = app.try_state::<crate::sync_link::SyncLink>() {
        if let Ok(service) = link.get() {
            service.set_locale(locale);
        }
    }
    window::retitle(&app, locale).map_err(|_| CommandError::new("unknown"))
}

//! What the UI needs to know about the app at start-up.

use crate::preferences;
use mail_identity_core::locale::Locale;
use serde::Serialize;

/// The app's version and the language to show.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub locale: Locale,
}

#[tauri::command]
#[specta::specta]
pub fn app_info(app: tauri::AppHandle) -> AppInfo {
    AppInfo {
        version: app.package_info().version.to_string(),
        locale: preferences::effective_locale(&app),
    }
}

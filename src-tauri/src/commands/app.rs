//! What the UI needs to know about the app at start-up, and leaving it for the webmail.

use crate::deployment::{Deployment, Helpdesk};
use crate::error::CommandError;
use crate::preferences;
use mail_identity_core::locale::Locale;
use serde::Serialize;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tauri::State;
use tauri_plugin_opener::OpenerExt;

/// The app's version, the language to show, and where this installation points to.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub locale: Locale,
    /// The languages the user may switch to (policy can narrow them).
    pub allowed_locales: Vec<Locale>,
    /// Policy keys an administrator set (e.g. `api_base_url`): shown as set by the administrator (`settings.managed`).
    pub managed: Vec<String>,
    /// The webmail the "go to webmail" button opens; `null` when none is configured.
    pub webmail_url: Option<String>,
    /// The company's helpdesk; `null` shows the notice's own contact block.
    pub helpdesk: Option<Helpdesk>,
    /// The country the overseas switch starts with (ISO 3166-1 alpha-2), when policy names one.
    pub default_overseas_country: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub fn app_info(app: tauri::AppHandle, deployment: State<'_, Deployment>) -> AppInfo {
    let locale = preferences::effective_locale(&app);
    AppInfo {
        version: app.package_info().version.to_string(),
        locale,
        allowed_locales: deployment.allowed_locales().to_vec(),
        managed: deployment.managed_keys(),
        webmail_url: deployment.webmail_url().map(str::to_string),
        helpdesk: deployment.helpdesk(locale),
        default_overseas_country: deployment.default_overseas_country().map(str::to_string),
    }
}

/// Opens the configured webmail in the default browser. Only the configured address can be
/// opened: the web view names no URL, so a compromised page cannot open arbitrary ones.
#[tauri::command]
#[specta::specta]
pub fn open_webmail(
    app: tauri::AppHandle,
    deployment: State<'_, Deployment>,
) -> Result<(), CommandError> {
    let url = deployment
        .webmail_url()
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
        .ok_or_else(|| CommandError::new("webmail_url_missing"))?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|_| CommandError::new("webmail_open_failed"))
}

/// Opens the company helpdesk's page (from policy) in the default browser; like the webmail, only
/// the configured address, and only over https.
#[tauri::command]
#[specta::specta]
pub fn open_helpdesk(
    app: tauri::AppHandle,
    deployment: State<'_, Deployment>,
) -> Result<(), CommandError> {
    let locale = preferences::effective_locale(&app);
    let url = deployment
        .helpdesk(locale)
        .and_then(|helpdesk| helpdesk.url)
        .filter(|url| url.starts_with("https://"))
        .ok_or_else(|| CommandError::new("helpdesk_url_missing"))?;
    app.opener()
        .open_url(&url, None::<&str>)
        .map_err(|_| CommandError::new("helpdesk_open_failed"))
}

/// When the process started running the app's code: the start of the "first screen interactive"
/// figure in the log.
static STARTED: OnceLock<Instant> = OnceLock::new();

/// Notes the process start; the first thing `run` does.
pub fn note_start() {
    let _ = STARTED.set(Instant::now());
}

/// The UI's one call once its first screen has mounted and two frames have been painted, so that
/// it takes input: logged with the time since start-up. When `MAIL_IDENTITY_BENCH_MARK` names a
/// file (only `cargo xtask bench` sets it), the wall-clock time of the mark (milliseconds since the
/// Unix epoch, with a fraction) is written there, so that the benchmark can time process spawn →
/// interactive from outside.
#[tauri::command]
#[specta::specta]
pub fn mark_interactive() {
    if let Some(started) = STARTED.get() {
        tracing::info!(
            "first screen interactive after {} ms",
            started.elapsed().as_millis()
        );
    }
    let Some(path) = std::env::var_os("MAIL_IDENTITY_BENCH_MARK") else {
        return;
    };
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or_default();
    // Written whole and renamed into place, so that the benchmark never reads half a number.
    let path = std::path::PathBuf::from(path);
    let partial = path.with_extension("partial");
    if std::fs::write(&partial, format!("{epoch_ms:.3}\n")).is_ok() {
        let _ = std::fs::rename(&partial, &path);
    }
}

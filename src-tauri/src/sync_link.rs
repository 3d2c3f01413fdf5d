//! The app's link to core's sync [`Service`]: opened once at start-up and shared by the commands
//! (or the reason it could not open). Its overview changes reach the window as the typed
//! `overview-changed` event.

use crate::deployment::Deployment;
use crate::error::CommandError;
use mail_identity_core::policy::Key;
use mail_identity_core::sync::{
    CredentialStoreKind, Overview, Service, ServiceConfig, ServiceError,
};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

/// Sent whenever the cached server view, the outbox or the connection changes.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct OverviewChanged(pub Overview);

/// The service, or why there is none (no server configured, the local database cannot open). The
/// app still starts without it: the sign-in screen shows the reason instead of a blank window.
pub enum SyncLink {
    Ready(Service),
    Unavailable(ServiceError),
}

impl SyncLink {
    /// Opens the service in the app data directory and starts forwarding its overview.
    pub fn open<R: Runtime>(app: &AppHandle<R>, deployment: &Deployment) -> SyncLink {
        let data_dir = match app.path().app_data_dir() {
            Ok(dir) => dir,
            Err(_) => return SyncLink::Unavailable(ServiceError::LocalStore),
        };
        let Some(api_base_url) = deployment.api_base_url() else {
            return SyncLink::Unavailable(ServiceError::ServerUrlInvalid);
        };
        let version = app.package_info().version.to_string();
        let mut config = ServiceConfig::new(data_dir, api_base_url, &version, &os_description());
        config.proxy = deployment.policy.proxy.as_ref().map(|p| p.value.clone());
        config.draft_lifetime_days = deployment.policy.draft_lifetime_days.value;
        // Only an administrator's value wins over the server's (and shows locked).
        config.reconfirm_days = deployment
            .policy
            .reconfirm_days
            .as_ref()
            .filter(|_| deployment.policy.is_managed(Key::ReconfirmDays))
            .map(|setting| setting.value);
        config.locale = crate::preferences::effective_locale(app);
        config.extra_roots = deployment.extra_roots.certificates();
        match tauri::async_runtime::block_on(Service::open(config)) {
            Ok(service) => {
                forward_overview(app.clone(), &service);
                SyncLink::Ready(service)
            }
            Err(error) => {
                report_unavailable(&error);
                SyncLink::Unavailable(error)
            }
        }
    }

    /// The service, or the error every command answers with while there is none.
    pub fn get(&self) -> Result<&Service, CommandError> {
        match self {
            SyncLink::Ready(service) => Ok(service),
            SyncLink::Unavailable(error) => Err(error.clone().into()),
        }
    }

    /// The overview, or a signed-out one when there is no service (the sign-in screen then
    /// explains why when the user tries).
    pub async fn overview(&self) -> Overview {
        match self {
            SyncLink::Ready(service) => service.overview().await,
            SyncLink::Unavailable(_) => Overview::signed_out(false, CredentialStoreKind::Memory),
        }
    }
}

/// Forwards every new overview to the window for as long as the app runs.
fn forward_overview<R: Runtime>(app: AppHandle<R>, service: &Service) {
    let mut changes = service.subscribe();
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            let overview = changes.borrow_and_update().clone();
            // The window may be gone while the app shuts down: nothing to tell then.
            let _ = OverviewChanged(overview).emit(&app);
        }
    });
}

/// The OS as sent in the User-Agent and kept in consent receipts, e.g. `windows x86_64`.
fn os_description() -> String {
    format!("{} {}", std::env::consts::OS, std::env::consts::ARCH)
}

/// Why the service is missing, for whoever reads the terminal; the code only, never data.
fn report_unavailable(error: &ServiceError) {
    eprintln!("mail-identity: sync service unavailable: {}", error.code());
}

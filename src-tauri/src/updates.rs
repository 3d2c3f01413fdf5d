//! The in-app updater (tauri-plugin-updater), under IT's control.
//!
//! - Policy `updates.enabled = false` turns it off; `updates.endpoint` points it at an internal
//!   mirror; otherwise the endpoint built into the release is used.
//! - A build without an updater key or endpoint (every development build) has no updater.
//! - It never checks during start-up (start-up makes one request, to the account server): the
//!   first check runs a minute later, then once a day while the app runs.
//! - It never installs by itself: the employee chooses "Install and restart" in settings, and a
//!   per-machine installation then shows the OS's own elevation prompt (the Windows installers run
//!   in passive mode, never quiet) instead of elevating behind the employee's back.
//!
//! Updates are signed with the vendor's key and verified before installing, so a mirror cannot
//! deliver a modified build.

use crate::deployment::Deployment;
use serde::Serialize;
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime, Url};
use tauri_plugin_updater::{Update, UpdaterExt};

/// How long after start-up the first check waits.
const FIRST_CHECK_DELAY: Duration = Duration::from_secs(60);
/// How often a running app checks again.
const CHECK_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the updater stands, as settings shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum UpdateState {
    /// Policy turned updates off: IT deploys new versions.
    OffByPolicy,
    /// This build has no updater key or endpoint.
    NotConfigured,
    /// On, not checked yet.
    Idle,
    Checking,
    UpToDate,
    Available,
    Installing,
    /// The last check or installation failed; the next check tries again.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct UpdateStatus {
    pub state: UpdateState,
    /// The version on offer when `state` is `available` or `installing`.
    pub version: Option<String>,
    /// The version running now.
    pub current_version: String,
}

/// What this run may do, decided once from policy and the built-in configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdatePlan {
    Off(UpdateState),
    Check { endpoint: Url, proxy: Option<Url> },
}

impl UpdatePlan {
    /// `built_in` is the `plugins.updater` section of the app's configuration.
    pub fn decide(deployment: &Deployment, built_in: Option<&serde_json::Value>) -> UpdatePlan {
        let policy = &deployment.policy.updates.value;
        if !policy.enabled {
            return UpdatePlan::Off(UpdateState::OffByPolicy);
        }
        let pubkey = built_in
            .and_then(|c| c.get("pubkey"))
            .and_then(|k| k.as_str())
            .unwrap_or_default();
        let built_in_endpoint = built_in
            .and_then(|c| c.get("endpoints"))
            .and_then(|e| e.get(0))
            .and_then(|e| e.as_str());
        let endpoint = policy
            .endpoint
            .as_deref()
            .or(built_in_endpoint)
            .and_then(|e| Url::parse(e).ok());
        match endpoint {
            Some(endpoint) if !pubkey.trim().is_empty() => UpdatePlan::Check {
                endpoint,
                proxy: deployment
                    .policy
                    .proxy
                    .as_ref()
                    .and_then(|p| Url::parse(&p.value).ok()),
            },
            _ => UpdatePlan::Off(UpdateState::NotConfigured),
        }
    }
}

/// The updater's state for this run (managed by the app).
pub struct Updates {
    plan: UpdatePlan,
    current_version: String,
    inner: Mutex<Inner>,
}

struct Inner {
    state: UpdateState,
    offer: Option<Update>,
}

/// Why an installation did not happen; the command maps it to `update_failed`.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("no update is on offer")]
    NothingToInstall,
    #[error("the update could not be downloaded, verified or installed")]
    Failed,
}

impl Updates {
    pub fn new(plan: UpdatePlan, current_version: String) -> Updates {
        let state = match &plan {
            UpdatePlan::Off(state) => *state,
            UpdatePlan::Check { .. } => UpdateState::Idle,
        };
        Updates {
            plan,
            current_version,
            inner: Mutex::new(Inner { state, offer: None }),
        }
    }

    pub fn status(&self) -> UpdateStatus {
        let inner = self.lock();
        UpdateStatus {
            state: inner.state,
            version: inner.offer.as_ref().map(|u| u.version.clone()),
            current_version: self.current_version.clone(),
        }
    }

    /// Asks the endpoint once; a no-op when the plan is off.
    pub async fn check<R: Runtime>(&self, app: &AppHandle<R>) -> UpdateStatus {
        let UpdatePlan::Check { endpoint, proxy } = &self.plan else {
            return self.status();
        };
        self.set(UpdateState::Checking, None);
        let result = async {
            let mut builder = app
                .updater_builder()
                .endpoints(vec![endpoint.clone()])?
                .timeout(REQUEST_TIMEOUT);
            if let Some(proxy) = proxy {
                builder = builder.proxy(proxy.clone());
            }
            builder.build()?.check().await
        }
        .await;
        match result {
            Ok(Some(update)) => {
                tracing::info!(version = %update.version, "an update is available");
                self.set(UpdateState::Available, Some(update));
            }
            Ok(None) => self.set(UpdateState::UpToDate, None),
            Err(error) => {
                tracing::warn!(%error, "the update check failed");
                self.set(UpdateState::Failed, None);
            }
        }
        self.status()
    }

    /// Downloads, verifies and installs the update on offer. On Windows the installer takes over
    /// and ends the app; elsewhere the caller restarts it.
    pub async fn install(&self) -> Result<(), UpdateError> {
        let update = {
            let mut inner = self.lock();
            let update = inner.offer.clone().ok_or(UpdateError::NothingToInstall)?;
            inner.state = UpdateState::Installing;
            update
        };
        match update.download_and_install(|_, _| {}, || {}).await {
            Ok(()) => Ok(()),
            Err(error) => {
                tracing::warn!(%error, "the update could not be installed");
                self.set(UpdateState::Failed, None);
                Err(UpdateError::Failed)
            }
        }
    }

    fn set(&self, state: UpdateState, offer: Option<Update>) {
        let mut inner = self.lock();
        inner.state = state;
        inner.offer = offer;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The lock guards plain values and no code panics while holding it; a poisoned lock still
        // holds a usable state.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Registers the state and starts the background checks (when the plan allows them).
pub fn start<R: Runtime>(app: &AppHandle<R>, deployment: &Deployment) {
    let built_in = app.config().plugins.0.get("updater").cloned();
    let plan = UpdatePlan::decide(deployment, built_in.as_ref());
    tracing::info!(plan = ?plan_name(&plan), "updater");
    let checking = matches!(plan, UpdatePlan::Check { .. });
    app.manage(Updates::new(plan, app.package_info().version.to_string()));
    if checking {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(FIRST_CHECK_DELAY).await;
            loop {
                app.state::<Updates>().check(&app).await;
                tokio::time::sleep(CHECK_INTERVAL).await;
            }
        });
    }
}

fn plan_name(plan: &UpdatePlan) -> &'static str {
    match plan {
        UpdatePlan::Off(UpdateState::OffByPolicy) => "off_by_policy",
        UpdatePlan::Off(_) => "not_configured",
        UpdatePlan::Check { .. } => "check",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_identity_core::policy::{resolve, Layer, Source};
    use serde_json::json;

    fn plan(layers: &[Layer], built_in: serde_json::Value) -> UpdatePlan {
        let deployment = Deployment::for_tests(resolve(layers));
        UpdatePlan::decide(&deployment, Some(&built_in))
    }

    const KEY: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IG1pbmlzaWduIHB1YmxpYyBrZXk=";

    #[test]
    fn policy_can_turn_updates_off_even_when_the_build_has_an_updater() {
        let built_in =
            json!({"pubkey": KEY, "endpoints": ["https://updates.example.com/latest.json"]});
        assert_eq!(
            plan(
                &[Layer::new(Source::PolicyFile).with("updates.enabled", "false")],
                built_in
            ),
            UpdatePlan::Off(UpdateState::OffByPolicy)
        );
    }

    #[test]
    fn a_build_without_a_key_has_no_updater_whatever_the_policy_says() {
        let policy = [Layer::new(Source::PolicyFile).with(
            "updates.endpoint",
            "https://mirror.example.co.kr/latest.json",
        )];
        assert_eq!(
            plan(&policy, json!({"pubkey": "", "endpoints": []})),
            UpdatePlan::Off(UpdateState::NotConfigured)
        );
        assert_eq!(
            plan(&[], json!({"pubkey": KEY, "endpoints": []})),
            UpdatePlan::Off(UpdateState::NotConfigured)
        );
    }

    #[test]
    fn the_policy_mirror_replaces_the_built_in_endpoint() {
        let built_in =
            json!({"pubkey": KEY, "endpoints": ["https://updates.example.com/latest.json"]});
        let mirrored = plan(
            &[Layer::new(Source::PolicyFile).with(
                "updates.endpoint",
                "https://mirror.example.co.kr/latest.json",
            )],
            built_in.clone(),
        );
        let UpdatePlan::Check { endpoint, .. } = mirrored else {
            panic!("expected checks, got {mirrored:?}");
        };
        assert_eq!(
            endpoint.as_str(),
            "https://mirror.example.co.kr/latest.json"
        );
        let UpdatePlan::Check { endpoint, .. } = plan(&[], built_in) else {
            panic!("expected checks with the built-in endpoint");
        };
        assert_eq!(endpoint.host_str(), Some("updates.example.com"));
    }

    #[test]
    fn a_plan_that_is_off_reports_why_and_installs_nothing() {
        let updates = Updates::new(UpdatePlan::Off(UpdateState::OffByPolicy), "0.1.0".into());
        assert_eq!(updates.status().state, UpdateState::OffByPolicy);
        assert!(matches!(
            tauri::async_runtime::block_on(updates.install()),
            Err(UpdateError::NothingToInstall)
        ));
    }
}

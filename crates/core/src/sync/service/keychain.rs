//! The credential store that does not answer: asked again on a timer with backoff, and when the
//! user retries. When it answers, the session is restored if the start-up could not do it, and the
//! sender goes on with everything that waited, sealed as it was.

use super::Service;
use crate::sync::blocking::blocking;
use crate::sync::error::ServiceError;
use crate::sync::runtime::Runtime;
use crate::sync::types::Overview;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often a task whose service may be gone looks whether it is.
const ALIVE_CHECK: Duration = Duration::from_secs(30);

impl Service {
    /// Asks the credential store again now (the user's "retry"); the overview says whether it
    /// answered.
    pub async fn retry_credential_store(&self) -> Result<Overview, ServiceError> {
        retry_once(&self.rt).await?;
        Ok(self.overview().await)
    }
}

/// One retry: when the store answers, the session comes back and the sender is woken.
async fn retry_once(rt: &Arc<Runtime>) -> Result<bool, ServiceError> {
    let keychain = Arc::clone(&rt.keychain);
    let answered = blocking(move || keychain.retry()).await?;
    if answered {
        let service = Service { rt: Arc::clone(rt) };
        if rt.session.account().await.is_none() {
            if let Err(error) = service.restore_session().await {
                tracing::info!(%error, "the session could not be restored yet");
            }
        }
        rt.wake.notify_one();
        service.publish().await;
    }
    Ok(answered)
}

/// Starts the retry timer of `rt`'s credential store: idle while the store answers; while it does
/// not, asked again after the service's backoff (1 s doubling to 5 minutes in production, with
/// jitter). Ends with the service.
pub(super) fn start_retry(rt: &Arc<Runtime>) {
    let weak = Arc::downgrade(rt);
    tokio::spawn(async move {
        let mut failures = 0u32;
        loop {
            let Some(delay) = next_delay(&weak, failures) else {
                return;
            };
            match delay {
                None => {
                    failures = 0;
                    let Some(rt) = weak.upgrade() else { return };
                    let keychain = Arc::clone(&rt.keychain);
                    drop(rt);
                    tokio::select! {
                        _ = keychain.went_away.notified() => {}
                        _ = tokio::time::sleep(ALIVE_CHECK) => {}
                    }
                }
                Some(delay) => {
                    tokio::time::sleep(delay).await;
                    let Some(rt) = weak.upgrade() else { return };
                    if rt.live.lock().map(|l| l.stopped).unwrap_or(true) {
                        return;
                    }
                    match retry_once(&rt).await {
                        Ok(true) => failures = 0,
                        _ => failures = failures.saturating_add(1),
                    }
                }
            }
        }
    });
}

/// `None` when the service is gone; `Some(None)` while the store answers (wait for it to stop);
/// `Some(Some(delay))` until the next retry.
fn next_delay(weak: &Weak<Runtime>, failures: u32) -> Option<Option<Duration>> {
    let rt = weak.upgrade()?;
    if rt.live.lock().map(|l| l.stopped).unwrap_or(true) {
        return None;
    }
    if !rt.keychain.is_unavailable() {
        return Some(None);
    }
    let unit = rt.jitter.lock().map(|mut j| j.unit()).unwrap_or(0.5);
    Some(Some(rt.config.backoff.delay(failures, None, unit)))
}

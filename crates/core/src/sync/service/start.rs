//! Start-up from what is kept: the window gets the screen the user last had a right to from the
//! local store at once, and the server is asked behind it.
//!
//! The network is slow or silent exactly when people need the app to open (a VPN still
//! connecting, a hotel network): waiting for it would show nothing for as long as the request
//! timeout, although the masked info, the consent state, the cached notice and the draft are all
//! on this computer. So the start-up answers from the store (status `checking`), and the session
//! is restored in a task of its own; what it learns (a newer notice, a changed or deleted info, a
//! sign-in that ended elsewhere) is published as a new overview when it arrives.

use super::Service;
use crate::sync::error::ServiceError;
use crate::sync::runtime::{Reach, Runtime};
use crate::sync::store::snapshot;
use crate::sync::types::Account;
use std::sync::{Arc, Weak};

impl Service {
    /// The start-up the window makes. With stored tokens and a cached account it returns the
    /// account at once, without a request, and restores the session in the background (see
    /// [`Service::restore_session`]), asking again with backoff while the server cannot be
    /// reached. Without a cached account there is nothing to show instead, and the restore is
    /// waited for; without stored tokens, `None` (sign-in).
    pub async fn open_session(&self) -> Result<Option<Account>, ServiceError> {
        let rt = &self.rt;
        let cached = rt.store.call(|c| snapshot::get(c)).await?.account;
        let Some(account) = cached else {
            return self.restore_session().await;
        };
        match rt.session.stored_tokens().await {
            Ok((Some(_), _)) => {}
            Ok((None, _)) => return Ok(None),
            // The credential store does not answer: the restore shows the cached account with the
            // store's state and makes no request.
            Err(ServiceError::CredentialStore) => return self.restore_session().await,
            Err(error) => return Err(error),
        }
        rt.session.begin_offline(account.clone()).await;
        rt.set_sign_in_required(false);
        rt.set_reach(Reach::Checking);
        self.publish().await;
        let weak = Arc::downgrade(&self.rt);
        tokio::spawn(check_until_answered(weak));
        Ok(Some(account))
    }
}

/// Restores the session until the server has been asked: once when it answers (or refuses the
/// stored sign-in), again with the sender's backoff while it cannot be reached. Ends with the
/// service.
async fn check_until_answered(rt: Weak<Runtime>) {
    let mut failures = 0u32;
    loop {
        let Some(strong) = rt.upgrade() else { return };
        let service = Service { rt: strong };
        let restored = service.restore_session().await;
        let rt_now = &service.rt;
        let transient = match &restored {
            Ok(Some(_)) => false,
            Ok(None) => {
                // The stored sign-in was refused (ended elsewhere, or expired): sign-in is shown.
                rt_now.session.end().await;
                rt_now.set_reach(Reach::Answering);
                service.publish().await;
                return;
            }
            Err(error) => {
                tracing::info!(
                    code = error.code(),
                    "start-up: the session was not restored"
                );
                matches!(
                    error,
                    ServiceError::Offline
                        | ServiceError::Timeout
                        | ServiceError::CutOff
                        | ServiceError::ServerUnavailable { .. }
                        | ServiceError::ServerError
                )
            }
        };
        let reach = rt_now.live.lock().map(|l| l.reach).unwrap_or_default();
        let unreachable = matches!(reach, Reach::Unreachable(_));
        if !unreachable && !transient {
            if reach == Reach::Checking {
                // Asked and answered without a network verdict (a local failure): no longer checking.
                rt_now.set_reach(Reach::Answering);
            }
            service.publish().await;
            return;
        }
        if reach == Reach::Checking {
            rt_now.set_online(false);
        }
        service.publish().await;
        let unit = rt_now.jitter.lock().map(|mut j| j.unit()).unwrap_or(0.5);
        // Full jitter, but never sooner than the base: a dead network is not asked in a loop.
        let delay = rt_now
            .config
            .backoff
            .delay(failures, None, unit)
            .max(rt_now.config.backoff.base);
        failures = failures.saturating_add(1);
        // The service is not held while waiting: closing the app ends the loop.
        drop(service);
        tokio::time::sleep(delay).await;
        let stopped = match rt.upgrade() {
            Some(rt) => rt.live.lock().map(|l| l.stopped).unwrap_or(true),
            None => true,
        };
        if stopped {
            return;
        }
    }
}

//! Consent: the notice the user reads, the decision (journaled locally, then sent), and the
//! journal of decisions.

use super::{Service, HOLD_LIMIT};
use crate::locale::Locale;
use crate::sync::api_client::ApiError;
use crate::sync::clock::now_rfc3339;
use crate::sync::error::ServiceError;
use crate::sync::runtime::Runtime;
use crate::sync::store::outbox::OpKind;
use crate::sync::store::{journal, snapshot};
use crate::sync::types::{ConsentDecision, ConsentReceipt, Notice, Overview, ReceiptDecision};
use crate::wire::ConsentWrite;
use std::sync::Arc;

impl Service {
    /// The current consent notice, cached for offline use. With a cached notice the server gets
    /// [`HOLD_LIMIT`] to answer, then the cached one is shown and the request goes on behind it: a
    /// newer notice is kept when it arrives and the overview published (the consent screen
    /// follows the notice in force). Without one there is nothing to show instead, so it waits.
    pub async fn notice(&self, locale: Locale) -> Result<Notice, ServiceError> {
        let rt = &self.rt;
        let cached = rt.store.call(move |c| snapshot::notice(c, locale)).await?;
        let fetch = tokio::spawn(fetch_notice(Arc::clone(rt), locale));
        let answered = match cached {
            Some(_) => tokio::time::timeout(HOLD_LIMIT, fetch).await.ok(),
            None => Some(fetch.await),
        };
        match answered {
            Some(Ok(Ok(notice))) => Ok(notice),
            Some(Ok(Err(error))) if error.is_transient() => cached.ok_or_else(|| error.into()),
            Some(Ok(Err(error))) => Err(error.into()),
            // The fetch task panicked: the cache, if any.
            Some(Err(_)) => cached.ok_or(ServiceError::LocalStore),
            None => cached.ok_or(ServiceError::Timeout),
        }
    }

    /// Journals the decision and queues it; the sender sends it at once when online.
    pub async fn decide_consent(
        &self,
        decision: ConsentDecision,
        notice_version: &str,
        notice_sha256: &str,
    ) -> Result<Overview, ServiceError> {
        let rt = &self.rt;
        let account = rt.session.require_account().await?;
        let body = serde_json::to_vec(&ConsentWrite {
            decision,
            notice_version: notice_version.to_string(),
            notice_sha256: notice_sha256.to_string(),
        })
        .map_err(|_| ServiceError::LocalStore)?;
        let (version, sha) = (notice_version.to_string(), notice_sha256.to_string());
        let (app_version, os) = (rt.config.app_version.clone(), rt.config.os.clone());
        let receipt = match decision {
            ConsentDecision::Agreed => ReceiptDecision::Agreed,
            ConsentDecision::Refused => ReceiptDecision::Refused,
        };
        self.queue_write(OpKind::Consent, Some(&body), None, move |c, seq| {
            journal::append(
                c,
                &journal::NewEntry {
                    account: &account.address,
                    decision: receipt,
                    decided_at: &now_rfc3339(),
                    notice_version: Some(&version),
                    notice_sha256: Some(&sha),
                    app_version: &app_version,
                    os: &os,
                    outbox_seq: Some(seq),
                    synced: false,
                },
            )
        })
        .await?;
        rt.wake.notify_one();
        Ok(self.overview().await)
    }

    /// The local consent journal of the signed-in account, newest first.
    pub async fn consent_receipts(&self) -> Result<Vec<ConsentReceipt>, ServiceError> {
        let account = self.rt.session.require_account().await?;
        Ok(self
            .rt
            .store
            .call(move |c| journal::receipts(c, &account.address))
            .await?)
    }
}

/// Reads the notice and keeps it; a notice that arrives after the window stopped waiting is
/// published with the overview.
async fn fetch_notice(rt: Arc<Runtime>, locale: Locale) -> Result<Notice, ApiError> {
    let notice = rt.api.notice(locale).await?;
    let kept = notice.clone();
    if let Err(error) = rt.store.call(move |c| snapshot::put_notice(c, &kept)).await {
        tracing::warn!(%error, "the notice could not be kept for offline use");
    }
    crate::sync::overview::publish(&rt).await;
    Ok(notice)
}

//! The façade the desktop app's commands call, one method per command of docs/design/ipc.md.
//!
//! A [`Service`] owns the local store, the credential store, the API client and the outbox sender (a
//! tokio task). Every method answers from the local store first; network work that the user is not
//! waiting for happens in the sender, which publishes each new [`Overview`] on a watch channel (the
//! app forwards it as the `overview-changed` event).

use super::api_client::ApiError;
use super::clock::now_rfc3339;
pub use super::config::ServiceConfig;
use super::crypto::{DRAFT_AAD, OUTBOX_AAD};
use super::error::ServiceError;
use super::kept_access::{now_unix, KeptAccess};
use super::overview;
use super::runtime::Runtime;
use super::sender::OutboxSender;
use super::server_view;
use super::session::AuthFailure;
use super::store::outbox::{self, OpKind, OpState};
use super::store::snapshot;
use super::store::{drafts, journal, StoreError};
use super::types::*;
use crate::email::{check_email, mask_email};
use crate::locale::Locale;
use crate::phone::{check_phone, mask_phone, PhoneMode};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use zeroize::Zeroizing;

/// How long the change form waits for the registered values before opening empty.
const PREFILL_WAIT: Duration = Duration::from_secs(3);

/// The service. Cheap to clone; the sender stops when the last clone is dropped or on [`Service::close`].
#[derive(Clone)]
pub struct Service {
    inner: Arc<Runtime>,
}

/// A fresh idempotency key: 128 random bits in hex.
fn new_key() -> Result<String, ServiceError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| ServiceError::LocalStore)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Service {
    /// Queues a write of `kind` under a fresh idempotency key, its body sealed, in one transaction
    /// with `also` (see [`outbox::queue`]); returns its sequence number.
    async fn queue_write(
        &self,
        kind: OpKind,
        body: Option<&[u8]>,
        masked: Option<MaskedInfo>,
        also: impl FnOnce(&rusqlite::Connection, i64) -> Result<(), StoreError> + Send + 'static,
    ) -> Result<i64, ServiceError> {
        let sealed = match body {
            Some(body) => Some(
                self.inner
                    .sealer()?
                    .seal(OUTBOX_AAD, body)
                    .ok_or(ServiceError::LocalStore)?,
            ),
            None => None,
        };
        let key = new_key()?;
        let seq = self
            .inner
            .store
            .call(move |c| outbox::queue(c, kind, &key, sealed.as_deref(), masked.as_ref(), also))
            .await?;
        Ok(seq)
    }
    /// Opens the store and the credential store and starts the outbox sender. Makes no network request.
    pub async fn open(config: ServiceConfig) -> Result<Service, ServiceError> {
        let inner = Arc::new(Runtime::open(config).await?);
        overview::publish(&inner).await;
        OutboxSender::start(&inner);
        Ok(Service { inner })
    }

    /// Stops the outbox sender (also when the last clone is dropped).
    pub fn close(&self) {
        self.inner.stop();
    }

    /// The overview as it changes: the app forwards each value as `overview-changed`.
    pub fn subscribe(&self) -> watch::Receiver<Overview> {
        self.inner.overview_tx.subscribe()
    }

    /// Which credential store is in use.
    pub fn credential_store(&self) -> CredentialStoreKind {
        self.inner.creds.kind()
    }

    /// The local database file (diagnostics, tests).
    pub fn database_path(&self) -> PathBuf {
        self.inner.store.path().to_path_buf()
    }

    /// Signs in silently with the stored tokens: `None` when there are none or they are no longer
    /// valid (show sign-in). A start-up within the kept access token's lifetime costs one
    /// conditional GET; otherwise the refresh token is rotated first. Offline, the cached account
    /// is returned and the sender renews the session when the server is back.
    pub async fn restore_session(&self) -> Result<Option<Account>, ServiceError> {
        let inner = &self.inner;
        let (Some(refresh), kept) = inner.session.stored_tokens().await? else {
            return Ok(None);
        };
        let cached = inner.store.call(|c| snapshot::get(c)).await?.account;
        if let (Some(kept), Some(account)) = (kept, cached.clone()) {
            if kept.usable_at(now_unix()) {
                return self.resume(kept, account).await;
            }
        }
        match inner.api.refresh(&refresh).await {
            Ok(tokens) => {
                inner.session.keep_tokens(&tokens).await?;
                let account = match cached {
                    Some(account) => account,
                    None => inner.api.me(&tokens.access_token).await?,
                };
                inner
                    .session
                    .begin(tokens.access_token, account.clone())
                    .await;
                inner.set_online(true);
                inner.set_sign_in_required(false);
                inner.remember_account(&account).await?;
                // The one conditional GET of a start-up; offline or failing, the cache serves.
                let _ = self.refresh().await;
                inner.wake.notify_one();
                Ok(Some(account))
            }
            Err(ApiError::InvalidGrant | ApiError::Unauthorized) => {
                inner.session.forget_tokens().await?;
                Ok(None)
            }
            Err(error) if error.is_transient() => match cached {
                Some(account) => {
                    inner.session.begin_offline(account.clone()).await;
                    inner.set_online(false);
                    overview::publish(&inner).await;
                    inner.wake.notify_one();
                    Ok(Some(account))
                }
                None => Err(error.into()),
            },
            Err(error) => Err(error.into()),
        }
    }

    /// Resumes with the kept access token: its conditional GET is the whole start-up. A token the
    /// server refuses is renewed once with the refresh token (inside [`Service::refresh`]); if that
    /// is refused too, the sign-in has ended elsewhere and sign-in is shown.
    async fn resume(
        &self,
        kept: KeptAccess,
        account: Account,
    ) -> Result<Option<Account>, ServiceError> {
        let inner = &self.inner;
        inner.session.begin(kept.token, account.clone()).await;
        inner.set_sign_in_required(false);
        // Offline or failing, the cache serves and the sender retries; only a refused refresh
        // token ends the start-up at sign-in.
        if let Err(ServiceError::SessionExpired) = self.refresh().await {
            inner.session.forget_tokens().await?;
            inner.session.end().await;
            inner.set_sign_in_required(false);
            overview::publish(&inner).await;
            return Ok(None);
        }
        overview::publish(&inner).await;
        inner.wake.notify_one();
        Ok(Some(account))
    }

    /// Password sign-in. Signing in as another account than the one cached wipes the local copy
    /// of the previous one (drafts, outbox, caches) first.
    pub async fn sign_in(&self, address: &str, password: &str) -> Result<Account, ServiceError> {
        let inner = &self.inner;
        let tokens = inner.api.sign_in(address.trim(), password).await?;
        let account = inner.api.me(&tokens.access_token).await?;
        let cached = inner.store.call(|c| snapshot::get(c)).await?.account;
        if cached.is_some_and(|c| !c.address.eq_ignore_ascii_case(&account.address)) {
            inner.wipe_local().await?;
        }
        inner.session.keep_tokens(&tokens).await?;
        inner
            .session
            .begin(tokens.access_token, account.clone())
            .await;
        inner.set_online(true);
        inner.set_sign_in_required(false);
        inner.remember_account(&account).await?;
        let _ = self.refresh().await;
        inner.wake.notify_one();
        Ok(account)
    }

    /// Revokes the sign-in, deletes the stored token and the local key (destroying every draft and
    /// queued body at once), and wipes drafts, outbox and caches. Offline, the revocation is
    /// skipped; the token is deleted locally all the same.
    pub async fn sign_out(&self) -> Result<(), ServiceError> {
        let inner = &self.inner;
        let (refresh, _) = inner.session.stored_tokens().await?;
        if let Some(token) = refresh {
            if let Err(error) = inner.api.revoke(&token).await {
                tracing::warn!(%error, "sign-out: the token could not be revoked on the server");
            }
        }
        inner.session.forget_tokens().await?;
        inner.forget_key().await?;
        inner.session.end().await;
        inner.wipe_local().await?;
        inner.set_sign_in_required(false);
        overview::publish(&inner).await;
        Ok(())
    }

    /// The overview from the local store; never fails (a store failure shows the last one).
    pub async fn overview(&self) -> Overview {
        overview::publish(&self.inner).await;
        self.inner.overview_tx.borrow().clone()
    }

    /// One conditional GET of the identity (304 when unchanged).
    pub async fn refresh(&self) -> Result<Overview, ServiceError> {
        let inner = &self.inner;
        inner.session.require_account().await?;
        match server_view::fetch_identity(inner, true).await {
            Ok(_) => {}
            Err(AuthFailure::SignInRequired) => {
                inner.set_sign_in_required(true);
                overview::publish(&inner).await;
                return Err(ServiceError::SessionExpired);
            }
            Err(AuthFailure::Api(e)) => {
                if matches!(e, ApiError::Offline | ApiError::Timeout) {
                    inner.set_online(false);
                }
                overview::publish(&inner).await;
                return Err(e.into());
            }
            Err(AuthFailure::Local(e)) => return Err(e),
        }
        inner.set_online(true);
        Ok(self.overview().await)
    }

    /// The current consent notice, cached for offline use.
    pub async fn notice(&self, locale: Locale) -> Result<Notice, ServiceError> {
        let inner = &self.inner;
        match inner.api.notice(locale).await {
            Ok(notice) => {
                let kept = notice.clone();
                inner
                    .store
                    .call(move |c| snapshot::put_notice(c, &kept))
                    .await?;
                Ok(notice)
            }
            Err(error) if error.is_transient() => {
                let cached = inner
                    .store
                    .call(move |c| snapshot::notice(c, locale))
                    .await?;
                cached.ok_or_else(|| error.into())
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Journals the decision and queues it; the sender sends it at once when online.
    pub async fn decide_consent(
        &self,
        decision: ConsentDecision,
        notice_version: &str,
        notice_sha256: &str,
    ) -> Result<Overview, ServiceError> {
        let inner = &self.inner;
        let account = inner.session.require_account().await?;
        let body = serde_json::to_vec(&serde_json::json!({
            "decision": decision.as_str(),
            "notice_version": notice_version,
            "notice_sha256": notice_sha256,
        }))
        .map_err(|_| ServiceError::LocalStore)?;
        let (version, sha) = (notice_version.to_string(), notice_sha256.to_string());
        let (app_version, os) = (inner.config.app_version.clone(), inner.config.os.clone());
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
        inner.wake.notify_one();
        Ok(self.overview().await)
    }

    /// The local consent journal of the signed-in account, newest first.
    pub async fn consent_receipts(&self) -> Result<Vec<ConsentReceipt>, ServiceError> {
        let account = self.inner.session.require_account().await?;
        Ok(self
            .inner
            .store
            .call(move |c| journal::receipts(c, &account.address))
            .await?)
    }

    /// The draft as it was left, or `None` (none, expired, or its key is gone).
    ///
    /// Without a draft, registered info is fetched from the server to prefill the change form, so
    /// that changing one part never silently clears the other (a save replaces both). Offline
    /// there is nothing to prefill with (only masked values are kept): `None`.
    pub async fn load_draft(&self) -> Result<Option<Draft>, ServiceError> {
        let inner = &self.inner;
        let Some((sealed, _)) = inner.store.call(|c| drafts::get(c)).await? else {
            return Ok(self.current_values().await);
        };
        let opened = inner.sealer()?.open(DRAFT_AAD, &sealed);
        match opened.and_then(|plain| serde_json::from_slice::<Draft>(&plain).ok()) {
            Some(draft) => Ok(Some(draft)),
            None => {
                tracing::warn!("a draft could not be opened (its key is gone): it is deleted");
                inner.store.call(|c| drafts::delete(c)).await?;
                Ok(None)
            }
        }
    }

    /// Keeps the draft; on disk (fsynced) when this returns.
    /// The registered values from the server, when there are any and it can be reached.
    async fn current_values(&self) -> Option<Draft> {
        let inner = &self.inner;
        // The overview as last published: reading it needs no store round trip.
        let (registered, online) = {
            let overview = inner.overview_tx.borrow();
            (overview.info.is_some(), overview.online)
        };
        // Known to be offline: the form opens at once rather than after a connect timeout.
        if !registered || !online {
            return None;
        }
        let fetch = inner
            .session
            .authed(|token| async move { inner.api.current_values(&token).await });
        // The form waits for this: a slow network gets a short wait, then an empty form that
        // says why.
        match tokio::time::timeout(PREFILL_WAIT, fetch).await {
            Ok(Ok(draft)) if !draft.email.is_empty() || !draft.phone.is_empty() => Some(draft),
            Ok(Ok(_)) => None,
            Ok(Err(_)) | Err(_) => {
                tracing::info!("registered info could not be fetched to prefill the form");
                None
            }
        }
    }

    pub async fn save_draft(&self, draft: &Draft) -> Result<(), ServiceError> {
        let inner = &self.inner;
        let plain =
            Zeroizing::new(serde_json::to_vec(draft).map_err(|_| ServiceError::LocalStore)?);
        let sealed = inner
            .sealer()?
            .seal(DRAFT_AAD, &plain)
            .ok_or(ServiceError::LocalStore)?;
        let lifetime = i64::from(inner.config.draft_lifetime_days) * 24 * 3600 * 1000;
        inner
            .store
            .call(move |c| drafts::put(c, &sealed, lifetime))
            .await?;
        overview::publish(&inner).await;
        Ok(())
    }

    pub async fn discard_draft(&self) -> Result<(), ServiceError> {
        self.inner.store.call(|c| drafts::delete(c)).await?;
        overview::publish(&self.inner).await;
        Ok(())
    }

    /// Validates the form with core's rules; if valid, queues the save (the draft stays until the
    /// save is applied) and, when online, waits for the first answer so that the server's field
    /// errors come back here too.
    pub async fn submit_identity(&self, draft: &Draft) -> Result<SubmitOutcome, ServiceError> {
        let inner = &self.inner;
        let account = inner.session.require_account().await?;
        let overview = self.overview().await;
        if overview.consent.state != ConsentState::Agreed {
            return Err(ServiceError::ConsentRequired);
        }
        let (body, masked) = match validate(draft, &account.address) {
            Ok(valid) => valid,
            Err(field_errors) => {
                return Ok(SubmitOutcome {
                    overview,
                    field_errors,
                })
            }
        };
        let body = Zeroizing::new(body);
        let seq = self
            .queue_write(OpKind::Save, Some(&body), Some(masked), |_, _| Ok(()))
            .await?;
        let field_errors = inner.await_first_answer(seq).await?;
        Ok(SubmitOutcome {
            overview: self.overview().await,
            field_errors,
        })
    }

    /// Queues the deletion; when applied, the sender reads back, purges every local copy and
    /// journals it.
    pub async fn delete_identity(&self) -> Result<Overview, ServiceError> {
        let inner = &self.inner;
        inner.session.require_account().await?;
        // A draft is a local copy of the info being deleted: it goes with the write.
        self.queue_write(OpKind::Delete, None, None, |c, _| drafts::delete(c))
            .await?;
        inner.wake.notify_one();
        Ok(self.overview().await)
    }

    /// The user's answer to a conflict: send mine over the server's version, or drop mine.
    pub async fn resolve_conflict(&self, choice: ConflictChoice) -> Result<Overview, ServiceError> {
        let inner = &self.inner;
        inner
            .store
            .call(move |c| {
                let tx = c.transaction()?;
                let head = outbox::head(&tx)?.filter(|op| op.state == OpState::Conflict);
                let Some(head) = head else {
                    return Ok(false);
                };
                match choice {
                    ConflictChoice::Mine => {
                        let current = snapshot::get(&tx)?.etag;
                        outbox::set_base(&tx, head.seq, current.as_deref())?;
                        outbox::set_state(&tx, head.seq, OpState::Queued, None)?;
                    }
                    ConflictChoice::Server => outbox::remove(&tx, head.seq)?,
                }
                tx.commit()?;
                Ok(true)
            })
            .await?
            .then_some(())
            .ok_or(ServiceError::NoConflict)?;
        inner.reset_retry();
        inner.wake.notify_one();
        Ok(self.overview().await)
    }
}

/// Core's validation of the form; the request body and its masked view, or the field errors.
fn validate(draft: &Draft, account: &str) -> Result<(Vec<u8>, MaskedInfo), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut masked = MaskedInfo::default();
    let mut body = serde_json::Map::new();
    let field_error = |field, code: &str, params: BTreeMap<String, String>| FieldError {
        field,
        code: code.to_string(),
        params,
    };
    if draft.email.trim().is_empty() && draft.phone.trim().is_empty() {
        errors.push(field_error(
            FormField::Email,
            "email_or_phone_required",
            BTreeMap::new(),
        ));
        return Err(errors);
    }
    if !draft.email.trim().is_empty() {
        match check_email(&draft.email, Some(account)) {
            Ok(valid) => {
                masked.email = Some(mask_email(&valid.address));
                body.insert("email".into(), valid.address.into());
            }
            Err(e) => errors.push(field_error(FormField::Email, e.code(), BTreeMap::new())),
        }
    }
    if !draft.phone.trim().is_empty() {
        let mode = if draft.overseas {
            PhoneMode::Overseas {
                country: draft.country.clone(),
            }
        } else {
            PhoneMode::Domestic
        };
        match check_phone(&draft.phone, &mode) {
            Ok(valid) => {
                masked.phone = Some(mask_phone(&valid));
                masked.phone_country = Some(valid.country.clone());
                masked.overseas = draft.overseas;
                body.insert(
                    "phone".into(),
                    serde_json::json!({
                        "number": valid.e164,
                        "overseas": draft.overseas,
                        "country": valid.country,
                    }),
                );
            }
            Err(e) => {
                let mut params = BTreeMap::new();
                if let crate::phone::PhoneError::ForeignNumberInDomesticMode { country } = &e {
                    params.insert("country".to_string(), country.clone());
                }
                errors.push(field_error(FormField::Phone, e.code(), params));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let body = serde_json::to_vec(&serde_json::Value::Object(body)).map_err(|_| Vec::new())?;
    Ok((body, masked))
}

impl Runtime {
    async fn remember_account(&self, account: &Account) -> Result<(), ServiceError> {
        let account = account.clone();
        self.store
            .call(move |c| {
                let mut snap = snapshot::get(c)?;
                snap.account = Some(account);
                snapshot::put(c, &snap)
            })
            .await?;
        overview::publish(self).await;
        Ok(())
    }

    /// Drafts, outbox and the server view; the journal stays (it holds no personal data and is
    /// the user's record of what was decided).
    async fn wipe_local(&self) -> Result<(), ServiceError> {
        self.store
            .call(|c| {
                let tx = c.transaction()?;
                drafts::delete(&tx)?;
                outbox::clear(&tx)?;
                snapshot::clear(&tx)?;
                tx.commit()?;
                Ok(())
            })
            .await?;
        self.reset_retry();
        Ok(())
    }

    /// After an attempt of the write `seq`, or when offline, gives back the server's field errors.
    async fn await_first_answer(&self, seq: i64) -> Result<Vec<FieldError>, ServiceError> {
        let mut attempts = self.attempts_tx.subscribe();
        self.wake.notify_one();
        let deadline = self.config.request_timeout * 2 + Duration::from_secs(1);
        let wait = async {
            loop {
                let (online, blocked) = {
                    let live = self.live.lock().map_err(|_| ServiceError::LocalStore)?;
                    (live.online, live.sign_in_required)
                };
                let op = self.store.call(move |c| outbox::get(c, seq)).await?;
                match op {
                    None => return Ok(Vec::new()),
                    Some(op) if op.state == OpState::Rejected => {
                        let errors = op
                            .reason
                            .map(|r| reason_field_errors(&r))
                            .unwrap_or_default();
                        if !errors.is_empty() {
                            // "Non-empty: nothing was queued": the refused save goes.
                            self.store.call(move |c| outbox::remove(c, seq)).await?;
                        }
                        return Ok(errors);
                    }
                    Some(op) if op.attempts > 0 || !online || blocked => return Ok(Vec::new()),
                    Some(_) => {}
                }
                if attempts.changed().await.is_err() {
                    return Ok(Vec::new());
                }
            }
        };
        tokio::time::timeout(deadline, wait)
            .await
            .unwrap_or(Ok(Vec::new()))
    }
}

/// The field errors carried in an `invalid_fields` reason (`field → code`).
fn reason_field_errors(reason: &SyncReason) -> Vec<FieldError> {
    if reason.code != "invalid_fields" {
        return Vec::new();
    }
    reason
        .params
        .iter()
        .filter_map(|(field, code)| {
            let field = match field.as_str() {
                "email" => FormField::Email,
                "phone" => FormField::Phone,
                _ => return None,
            };
            Some(FieldError {
                field,
                code: code.clone(),
                params: BTreeMap::new(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_uses_core_rules_and_masks() {
        let draft = Draft {
            email: "seoyeon.lee@naver.com".into(),
            phone: "010 1234 5678".into(),
            ..Draft::default()
        };
        let (body, masked) = validate(&draft, "registered@corp.example").unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["phone"]["number"], "+821012345678");
        assert_eq!(masked.phone.as_deref(), Some("010-****-5678"));
        assert_eq!(masked.email.as_deref(), Some("se***@naver.com"));

        let bad = Draft {
            email: "registered@corp.example".into(),
            phone: "02-123-4567".into(),
            ..Draft::default()
        };
        let errors = validate(&bad, "registered@corp.example").unwrap_err();
        let codes: Vec<_> = errors.iter().map(|e| (e.field, e.code.as_str())).collect();
        assert_eq!(
            codes,
            vec![
                (FormField::Email, "same_as_account"),
                (FormField::Phone, "not_mobile")
            ]
        );
        let empty = validate(&Draft::default(), "a@b.example").unwrap_err();
        assert_eq!(empty[0].code, "email_or_phone_required");
    }
}

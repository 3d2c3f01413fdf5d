//! The façade the desktop app's commands call, one method per command of docs/design/ipc.md.
//!
//! A [`Service`] owns the local store, the credential store, the API client and the sync engine (a
//! tokio task). Every method answers from the local store first; network work that the user is not
//! waiting for happens in the engine, which publishes each new [`Overview`] on a watch channel (the
//! app forwards it as the `overview-changed` event).

use super::api_client::{ApiError, Fetched, RemoteIdentity};
use super::clock::now_rfc3339;
pub use super::config::ServiceConfig;
use super::crypto::{DRAFT_AAD, OUTBOX_AAD};
use super::error::ServiceError;
use super::kept_access::{now_unix, KeptAccess};
use super::runtime::{RetrySchedule, Runtime};
use super::session::AuthFailure;
use super::store::outbox::{self, NewOp, OpKind, OpState};
use super::store::snapshot::{self, Snapshot};
use super::store::{drafts, journal};
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

/// The service. Cheap to clone; the engine stops when the last clone is dropped or on [`Service::close`].
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
    /// Opens the store and the credential store and starts the engine. Makes no network request.
    pub async fn open(config: ServiceConfig) -> Result<Service, ServiceError> {
        let inner = Arc::new(Runtime::open(config).await?);
        inner.publish().await;
        tokio::spawn(super::engine::run(
            Arc::downgrade(&inner),
            Arc::clone(&inner.wake),
        ));
        Ok(Service { inner })
    }

    /// Stops the engine (also when the last clone is dropped).
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
    /// is returned and the engine renews the session when the server is back.
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
                    inner.publish().await;
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
        // Offline or failing, the cache serves and the engine retries; only a refused refresh
        // token ends the start-up at sign-in.
        if let Err(ServiceError::SessionExpired) = self.refresh().await {
            inner.session.forget_tokens().await?;
            inner.session.end().await;
            inner.set_sign_in_required(false);
            inner.publish().await;
            return Ok(None);
        }
        inner.publish().await;
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
        inner.publish().await;
        Ok(())
    }

    /// The overview from the local store; never fails (a store failure shows the last one).
    pub async fn overview(&self) -> Overview {
        self.inner.publish().await;
        self.inner.overview_tx.borrow().clone()
    }

    /// One conditional GET of the identity (304 when unchanged).
    pub async fn refresh(&self) -> Result<Overview, ServiceError> {
        let inner = &self.inner;
        inner.session.require_account().await?;
        match inner.fetch_identity(true).await {
            Ok(_) => {}
            Err(AuthFailure::SignInRequired) => {
                inner.set_sign_in_required(true);
                inner.publish().await;
                return Err(ServiceError::SessionExpired);
            }
            Err(AuthFailure::Api(e)) => {
                if matches!(e, ApiError::Offline | ApiError::Timeout) {
                    inner.set_online(false);
                }
                inner.publish().await;
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

    /// Journals the decision and queues it; the engine sends it at once when online.
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
        let sealed = inner
            .sealer()?
            .seal(OUTBOX_AAD, &body)
            .ok_or(ServiceError::LocalStore)?;
        let key = new_key()?;
        let (version, sha) = (notice_version.to_string(), notice_sha256.to_string());
        let (app_version, os) = (inner.config.app_version.clone(), inner.config.os.clone());
        let receipt = match decision {
            ConsentDecision::Agreed => ReceiptDecision::Agreed,
            ConsentDecision::Refused => ReceiptDecision::Refused,
        };
        inner
            .store
            .call(move |c| {
                let tx = c.transaction()?;
                outbox::clear_rejected(&tx)?;
                let base = snapshot::get(&tx)?.etag;
                let seq = outbox::push(
                    &tx,
                    &NewOp {
                        kind: OpKind::Consent,
                        idempotency_key: &key,
                        sealed_body: Some(&sealed),
                        masked: None,
                        base_etag: base.as_deref(),
                    },
                )?;
                journal::append(
                    &tx,
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
                )?;
                tx.commit()?;
                Ok(())
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
        inner.publish().await;
        Ok(())
    }

    pub async fn discard_draft(&self) -> Result<(), ServiceError> {
        self.inner.store.call(|c| drafts::delete(c)).await?;
        self.inner.publish().await;
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
        let sealed = inner
            .sealer()?
            .seal(OUTBOX_AAD, &body)
            .ok_or(ServiceError::LocalStore)?;
        let key = new_key()?;
        let seq = inner
            .store
            .call(move |c| {
                let tx = c.transaction()?;
                outbox::clear_rejected(&tx)?;
                let base = snapshot::get(&tx)?.etag;
                let seq = outbox::push(
                    &tx,
                    &NewOp {
                        kind: OpKind::Save,
                        idempotency_key: &key,
                        sealed_body: Some(&sealed),
                        masked: Some(&masked),
                        base_etag: base.as_deref(),
                    },
                )?;
                tx.commit()?;
                Ok(seq)
            })
            .await?;
        let field_errors = inner.await_first_answer(seq).await?;
        Ok(SubmitOutcome {
            overview: self.overview().await,
            field_errors,
        })
    }

    /// Queues the deletion; when applied, the engine reads back, purges every local copy and
    /// journals it.
    pub async fn delete_identity(&self) -> Result<Overview, ServiceError> {
        let inner = &self.inner;
        inner.session.require_account().await?;
        let key = new_key()?;
        inner
            .store
            .call(move |c| {
                let tx = c.transaction()?;
                outbox::clear_rejected(&tx)?;
                let base = snapshot::get(&tx)?.etag;
                outbox::push(
                    &tx,
                    &NewOp {
                        kind: OpKind::Delete,
                        idempotency_key: &key,
                        sealed_body: None,
                        masked: None,
                        base_etag: base.as_deref(),
                    },
                )?;
                drafts::delete(&tx)?;
                tx.commit()?;
                Ok(())
            })
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
        self.publish().await;
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

    /// GETs the identity (conditionally when `conditional`) and keeps it in the snapshot.
    pub async fn fetch_identity(
        &self,
        conditional: bool,
    ) -> Result<Option<RemoteIdentity>, AuthFailure> {
        let known = if conditional {
            self.store
                .call(|c| snapshot::get(c))
                .await
                .map_err(|e| AuthFailure::Local(e.into()))?
                .etag
        } else {
            None
        };
        let fetched = self
            .session
            .authed(|token| {
                let known = known.clone();
                async move { self.api.identity(&token, known.as_deref()).await }
            })
            .await?;
        match fetched {
            Fetched::NotModified => {
                self.store
                    .call(|c| {
                        let mut snap = snapshot::get(c)?;
                        snap.synced_at = Some(now_rfc3339());
                        snapshot::put(c, &snap)
                    })
                    .await
                    .map_err(|e| AuthFailure::Local(e.into()))?;
                Ok(None)
            }
            Fetched::Fresh(remote) => {
                let kept = remote.clone();
                self.store
                    .call(move |c| keep_remote(c, &kept))
                    .await
                    .map_err(|e| AuthFailure::Local(e.into()))?;
                Ok(Some(remote))
            }
        }
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

    /// Recomputes the overview and publishes it if it changed.
    pub async fn publish(&self) {
        let account = self.session.account().await;
        let (online, sign_in_required, retry) = match self.live.lock() {
            Ok(live) => (live.online, live.sign_in_required, live.retry.clone()),
            Err(_) => return,
        };
        let credential_store = self.creds.kind();
        let computed = self
            .store
            .call(move |c| {
                compose(
                    c,
                    account,
                    online,
                    sign_in_required,
                    retry,
                    credential_store,
                )
            })
            .await;
        match computed {
            Ok(overview) => {
                self.overview_tx.send_if_modified(|current| {
                    if *current == overview {
                        false
                    } else {
                        *current = overview;
                        true
                    }
                });
            }
            Err(error) => tracing::error!(%error, "overview"),
        }
    }
}

/// Keeps what the server said in the snapshot (masked).
pub(crate) fn keep_remote(
    c: &rusqlite::Connection,
    remote: &RemoteIdentity,
) -> Result<(), super::store::StoreError> {
    let mut snap = snapshot::get(c)?;
    snap.consent = Some(remote.consent.clone());
    snap.info = remote.info.clone();
    snap.updated_at = remote.updated_at.clone();
    snap.etag = remote.etag.clone();
    snap.synced_at = Some(now_rfc3339());
    snapshot::put(c, &snap)
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

/// The overview from the store and the live state.
fn compose(
    c: &mut rusqlite::Connection,
    account: Option<Account>,
    online: bool,
    sign_in_required: bool,
    retry: Option<RetrySchedule>,
    credential_store: CredentialStoreKind,
) -> Result<Overview, super::store::StoreError> {
    let snap: Snapshot = snapshot::get(c)?;
    let ops = outbox::all(c)?;
    let has_draft = drafts::exists(c)?;
    let notice_version = snapshot::notice_version(c)?;
    let mut consent = snap.consent.clone().unwrap_or_default();
    let mut info = snap.info.clone();
    // What the user last did, even if not sent: queued writes overlay the server's view.
    for op in ops
        .iter()
        .filter(|op| op.state == OpState::Queued || op.state == OpState::Conflict)
    {
        match op.kind {
            OpKind::Consent => {
                let row = c.query_row(
                    "SELECT decision, decided_at, notice_version FROM journal WHERE outbox_seq = ?1",
                    [op.seq],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)),
                );
                if let Ok((decision, decided_at, version)) = row {
                    consent = ConsentView {
                        state: if decision == "agreed" {
                            ConsentState::Agreed
                        } else {
                            ConsentState::Refused
                        },
                        notice_version: version,
                        decided_at: Some(decided_at),
                    };
                    if decision != "agreed" {
                        info = None;
                    }
                }
            }
            OpKind::Save => info = op.masked.clone(),
            OpKind::Delete => {
                info = None;
                if consent.state == ConsentState::Agreed {
                    consent.state = ConsentState::Withdrawn;
                }
            }
        }
    }
    let needs_consent = account.is_some()
        && (consent.state == ConsentState::Pending
            || (matches!(consent.state, ConsentState::Agreed | ConsentState::Refused)
                && notice_version.is_some()
                && consent.notice_version != notice_version));
    let head = ops.first();
    let sync = if account.is_none() {
        SyncStatus::Synced { at: None }
    } else if sign_in_required {
        SyncStatus::SignInRequired
    } else if let Some(op) = head.filter(|op| op.state == OpState::Conflict) {
        SyncStatus::Conflict {
            server: snap.info.clone(),
            mine: op.masked.clone(),
        }
    } else if let Some(op) = head.filter(|op| op.state == OpState::Rejected) {
        SyncStatus::Error {
            reason: op
                .reason
                .clone()
                .unwrap_or_else(|| SyncReason::new("unknown")),
        }
    } else if !ops.is_empty() {
        SyncStatus::Pending {
            retry_at: retry.as_ref().map(|r| r.next_attempt_at.clone()),
            reason: retry.map(|r| r.reason),
        }
    } else if has_draft {
        SyncStatus::SavedLocally
    } else {
        SyncStatus::Synced {
            at: snap.synced_at.clone(),
        }
    };
    Ok(Overview {
        account: account.clone(),
        consent: if account.is_some() {
            consent
        } else {
            ConsentView::default()
        },
        needs_consent,
        info: if account.is_some() { info } else { None },
        updated_at: if account.is_some() {
            snap.updated_at
        } else {
            None
        },
        sync,
        online,
        credential_store,
    })
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

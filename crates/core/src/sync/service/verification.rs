//! Ownership codes, the employee's side: typing a code (its proof goes into the waiting save's
//! sealed body), asking for a new one, giving up (the save's values go back to the form, nothing
//! lost), and verifying a value registered before codes existed.
//!
//! Sending a code is the sender's job (it sends each once, and when the connection returns); the
//! calls here that send one hand it over to the sender and wait for its step, so that there is one
//! place that starts codes.

use super::Service;
use crate::phone::{check_phone, PhoneMode};
use crate::sync::api_client::ApiError;
use crate::sync::code_sender::new_key;
use crate::sync::crypto::DRAFT_AAD;
use crate::sync::error::ServiceError;
use crate::sync::outbox_body;
use crate::sync::server_view;
use crate::sync::session::AuthFailure;
use crate::sync::store::outbox::{self, OpState};
use crate::sync::store::verifications::{self, CodeRow};
use crate::sync::store::{drafts, StoreError};
use crate::sync::types::*;
use crate::sync::verification::normalize_code;
use crate::wire::{IdentityWrite, VerificationProof};
use std::time::Duration;
use zeroize::Zeroizing;

impl Service {
    /// The code screen's 확인. The code is checked locally first (`code_format`, no try spent).
    /// For a waiting save the proof goes into its sealed body; when every code is confirmed the
    /// save is sent. For a registered value the server marks it verified and the identity is read.
    pub async fn confirm_code(
        &self,
        channel: Channel,
        code: &str,
    ) -> Result<Overview, ServiceError> {
        let rt = &self.rt;
        let code = Zeroizing::new(normalize_code(code).map_err(|_| ServiceError::CodeFormat)?);
        rt.session.require_account().await?;
        let mut row = rt
            .store
            .call(move |c| verifications::get(c, channel))
            .await?
            .ok_or(ServiceError::NoVerification)?;
        let id = row.id.clone().ok_or(ServiceError::NoVerification)?;
        let result = rt
            .session
            .authed(|t| {
                let (id, code) = (id.clone(), code.clone());
                async move { rt.api.confirm_verification(&t, &id, &code).await }
            })
            .await;
        let failed = match result {
            Ok(proof) => {
                rt.set_online(true);
                self.confirmed(row, proof).await?;
                return Ok(self.overview().await);
            }
            Err(failure) => failure,
        };
        let error = match failed {
            AuthFailure::Api(ApiError::CodeIncorrect { attempts_left }) => {
                row.attempts_left = attempts_left;
                if attempts_left == 0 {
                    row.state = CodeState::Exhausted;
                }
                ServiceError::CodeIncorrect { attempts_left }
            }
            AuthFailure::Api(ApiError::CodeGone { code }) => {
                let exhausted = code == "code_exhausted";
                row.state = if exhausted {
                    CodeState::Exhausted
                } else {
                    CodeState::Expired
                };
                if exhausted {
                    row.attempts_left = 0;
                }
                ServiceError::from(ApiError::CodeGone { code })
            }
            // Unknown to the server (or already used): the same to the employee as expired.
            AuthFailure::Api(ApiError::NotFound { .. }) => {
                row.state = CodeState::Expired;
                ServiceError::CodeExpired
            }
            other => return Err(self.failed(other).await),
        };
        rt.set_online(true);
        rt.store.call(move |c| verifications::put(c, &row)).await?;
        self.publish().await;
        Err(error)
    }

    /// Keeps what confirming answered: a registered value is verified now (the row goes, the
    /// identity is read again); a change's proof is sealed into the waiting save.
    async fn confirmed(
        &self,
        mut row: CodeRow,
        proof: VerificationProof,
    ) -> Result<(), ServiceError> {
        let rt = &self.rt;
        let proof_secret = Zeroizing::new(proof.proof.clone());
        drop(proof);
        let channel = row.channel;
        let seq = match (row.purpose, row.outbox_seq) {
            (VerificationPurpose::Change, Some(seq)) => seq,
            _ => {
                rt.store
                    .call(move |c| verifications::remove(c, channel))
                    .await?;
                if let Err(failure) = server_view::fetch_identity(rt, false).await {
                    tracing::info!(
                        ?failure,
                        "verified; the identity is read on the next refresh"
                    );
                }
                self.publish().await;
                return Ok(());
            }
        };
        let op = rt
            .store
            .call(move |c| outbox::get(c, seq))
            .await?
            .ok_or(ServiceError::NoVerification)?;
        let plain = outbox_body::open(rt, &op).await?;
        let mut write: IdentityWrite =
            serde_json::from_slice(&plain).map_err(|_| ServiceError::LocalStore)?;
        write
            .proofs
            .get_or_insert_with(Default::default)
            .set(channel, proof_secret.to_string());
        let plain =
            Zeroizing::new(serde_json::to_vec(&write).map_err(|_| ServiceError::LocalStore)?);
        drop(write);
        let resealed = outbox_body::seal(rt, op.seq, op.kind, &plain).await?;
        row.state = CodeState::Confirmed;
        row.reason = None;
        rt.store
            .call(move |c| {
                let tx = c.transaction()?;
                outbox::set_body(&tx, seq, &resealed)?;
                verifications::put(&tx, &row)?;
                let all_confirmed = verifications::of_op(&tx, seq)?
                    .iter()
                    .all(|r| r.state == CodeState::Confirmed);
                let waiting =
                    outbox::get(&tx, seq)?.is_some_and(|op| op.state == OpState::AwaitingCodes);
                if all_confirmed && waiting {
                    outbox::set_state(&tx, seq, OpState::Queued, None)?;
                }
                tx.commit()?;
                Ok(())
            })
            .await?;
        rt.reset_retry();
        rt.wake.notify_one();
        self.publish().await;
        Ok(())
    }

    /// 다시 받기: a new code to the same destination (the old one stops working), or, for a code
    /// that was never sent or that the server no longer knows, a first one.
    pub async fn resend_code(&self, channel: Channel) -> Result<Overview, ServiceError> {
        let rt = &self.rt;
        rt.session.require_account().await?;
        let mut row = rt
            .store
            .call(move |c| verifications::get(c, channel))
            .await?
            .ok_or(ServiceError::NoVerification)?;
        if let Some(id) = row.id.clone() {
            let result = rt
                .session
                .authed(|t| {
                    let id = id.clone();
                    async move { rt.api.resend_verification(&t, &id).await }
                })
                .await;
            match result {
                Ok(sent) => {
                    rt.set_online(true);
                    row.sent(&sent);
                    rt.store.call(move |c| verifications::put(c, &row)).await?;
                    return Ok(self.overview().await);
                }
                // Gone on the server (confirmed elsewhere, or forgotten): a first code again,
                // under a new key (the old one would replay the old answer).
                Err(AuthFailure::Api(ApiError::NotFound { .. })) => {
                    row.start_key = new_key().ok_or(ServiceError::LocalStore)?;
                }
                Err(failure) => return Err(self.failed(failure).await),
            }
        }
        self.send_through_sender(row).await
    }

    /// Settings' 확인하기 on a value registered before codes existed: a code to the registered
    /// value (no value is sent); confirming it marks it verified, no write follows.
    pub async fn verify_registered(&self, channel: Channel) -> Result<Overview, ServiceError> {
        let rt = &self.rt;
        rt.session.require_account().await?;
        let overview = self.overview().await;
        let destination = overview
            .info
            .as_ref()
            .and_then(|info| match channel {
                Channel::Email => info.email.clone(),
                Channel::Phone => info.phone.clone(),
            })
            .ok_or(ServiceError::NoInfo)?;
        if overview
            .verification
            .as_ref()
            .is_some_and(|v| v.purpose == VerificationPurpose::Change)
        {
            // A waiting save's codes come first; its own codes verify the new values.
            return Ok(overview);
        }
        let row = CodeRow::new(
            channel,
            VerificationPurpose::Registered,
            None,
            new_key().ok_or(ServiceError::LocalStore)?,
            destination,
        );
        self.send_through_sender(row).await
    }

    /// 번호 다시 입력 / 취소. A waiting save is dropped and its values come back as the sealed
    /// draft (the one kept since the form, else one made from the save), which is returned; a
    /// registered value's verification just ends (`None`).
    pub async fn cancel_verification(&self) -> Result<Option<Draft>, ServiceError> {
        let rt = &self.rt;
        rt.session.require_account().await?;
        let rows = rt.store.call(|c| verifications::all(c)).await?;
        let seq = rows
            .iter()
            .find(|r| r.purpose == VerificationPurpose::Change)
            .and_then(|r| r.outbox_seq);
        let Some(seq) = seq else {
            rt.store.call(|c| verifications::clear(c)).await?;
            rt.set_password_required(false);
            self.publish().await;
            return Ok(None);
        };
        let kept = self.load_draft_only().await?;
        let draft = match kept {
            Some(draft) => draft,
            None => {
                let op = rt
                    .store
                    .call(move |c| outbox::get(c, seq))
                    .await?
                    .ok_or(ServiceError::LocalStore)?;
                let plain = outbox_body::open(rt, &op).await?;
                let write = serde_json::from_slice::<IdentityWrite>(&plain)
                    .map_err(|_| ServiceError::LocalStore)?;
                draft_of(write)
            }
        };
        let plain =
            Zeroizing::new(serde_json::to_vec(&draft).map_err(|_| ServiceError::LocalStore)?);
        let sealed = rt
            .sealer()?
            .seal(DRAFT_AAD, &plain)
            .ok_or(ServiceError::LocalStore)?;
        let lifetime = i64::from(rt.config.draft_lifetime_days) * 24 * 3600 * 1000;
        rt.store
            .call(move |c| {
                let tx = c.transaction()?;
                drafts::put(&tx, &sealed, lifetime)?;
                outbox::remove(&tx, seq)?;
                verifications::remove_orphans(&tx)?;
                tx.commit()?;
                Ok::<(), StoreError>(())
            })
            .await?;
        rt.reset_retry();
        rt.wake.notify_one();
        self.publish().await;
        Ok(Some(draft))
    }

    /// The kept draft only (no prefill from the server).
    async fn load_draft_only(&self) -> Result<Option<Draft>, ServiceError> {
        let rt = &self.rt;
        let Some((sealed, _)) = rt.store.call(|c| drafts::get(c)).await? else {
            return Ok(None);
        };
        Ok(rt
            .sealer()?
            .open(DRAFT_AAD, &sealed)
            .and_then(|plain| serde_json::from_slice::<Draft>(&plain).ok()))
    }

    /// Hands `row` to the sender as a code to send now, waits for its step, and answers what came
    /// of it: the overview, or why the code was not sent.
    async fn send_through_sender(&self, mut row: CodeRow) -> Result<Overview, ServiceError> {
        let rt = &self.rt;
        let channel = row.channel;
        row.id = None;
        row.state = CodeState::WaitingForNetwork;
        row.reason = None;
        row.retry_at = None;
        let mut steps = rt.attempts_tx.subscribe();
        rt.store.call(move |c| verifications::put(c, &row)).await?;
        rt.set_password_required(false);
        rt.reset_retry();
        rt.wake.notify_one();
        let deadline =
            tokio::time::Instant::now() + rt.config.request_timeout * 2 + Duration::from_secs(1);
        let (overview, row) = loop {
            let stepped = tokio::time::timeout_at(deadline, steps.changed()).await;
            let overview = self.overview().await;
            let row = rt
                .store
                .call(move |c| verifications::get(c, channel))
                .await?;
            // A step that began before the row was put (a write being sent, say) may end first:
            // only a step that took the row, or could not (offline, the password, a sign-in),
            // answers this call.
            let untouched = row
                .as_ref()
                .is_some_and(|r| r.state == CodeState::WaitingForNetwork);
            let blocked = !overview.online
                || matches!(
                    overview.sync,
                    SyncStatus::PasswordRequired | SyncStatus::SignInRequired
                );
            if !matches!(stepped, Ok(Ok(()))) || !untouched || blocked {
                break (overview, row);
            }
        };
        match row {
            Some(row) if row.state == CodeState::NotSent => Err(not_sent_error(&row)),
            _ if overview.sync == SyncStatus::PasswordRequired => {
                Err(ServiceError::PasswordRequired)
            }
            Some(row) if row.state == CodeState::WaitingForNetwork && !overview.online => {
                Err(ServiceError::Offline)
            }
            _ => Ok(overview),
        }
    }

    /// A failed request of the code screen, with its side effects: offline is remembered; a
    /// step-up parks the waiting save (or flags the registered value's) until the password.
    async fn failed(&self, failure: AuthFailure) -> ServiceError {
        let rt = &self.rt;
        match &failure {
            AuthFailure::Api(error) if error.unreachable().is_some() => rt.note_failure(error),
            AuthFailure::Api(ApiError::StepUpRequired { .. }) => {
                let parked = rt
                    .store
                    .call(|c| {
                        let head = outbox::head(c)?;
                        match head {
                            Some(op) if op.state == OpState::AwaitingCodes => {
                                outbox::set_state(c, op.seq, OpState::PasswordRequired, None)?;
                                Ok(true)
                            }
                            _ => Ok(false),
                        }
                    })
                    .await;
                if !matches!(parked, Ok(true)) {
                    rt.set_password_required(true);
                }
            }
            AuthFailure::SignInRequired => rt.set_sign_in_required(true),
            _ => {}
        }
        self.publish().await;
        failure.into()
    }
}

/// Why a code was not sent, as the error of the call that asked for it.
fn not_sent_error(row: &CodeRow) -> ServiceError {
    let seconds = || {
        row.reason
            .as_ref()
            .and_then(|r| r.params.get("seconds"))
            .and_then(|s| s.parse().ok())
            .unwrap_or(60)
    };
    match row.reason.as_ref().map(|r| r.code.as_str()) {
        Some("resend_too_soon") => ServiceError::ResendTooSoon { seconds: seconds() },
        Some("rate_limited") => ServiceError::VerificationRateLimited { seconds: seconds() },
        Some("sender_not_configured") => ServiceError::SenderNotConfigured,
        Some("sender_failed") => ServiceError::SenderFailed,
        Some("no_info") => ServiceError::NoInfo,
        _ => ServiceError::ServerError,
    }
}

/// A save's values as the form shows them: the phone in its national format, with the overseas
/// toggle and country it was typed with.
fn draft_of(write: IdentityWrite) -> Draft {
    let (phone, overseas, country) = match write.phone {
        Some(p) => {
            let mode = PhoneMode::for_form(p.overseas, p.country.as_deref());
            let shown = check_phone(&p.number, &mode)
                .map(|valid| valid.national)
                .unwrap_or(p.number);
            (shown, p.overseas, p.country.filter(|_| p.overseas))
        }
        None => (String::new(), false, None),
    };
    Draft {
        input: IdentityInput {
            email: write.email.unwrap_or_default(),
            phone,
            overseas,
            country,
        },
        focus: None,
        caret: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::PhoneWrite;

    #[test]
    fn a_cancelled_save_comes_back_as_the_form_had_it() {
        let draft = draft_of(IdentityWrite {
            email: Some("seoyeon.lee@naver.com".into()),
            phone: Some(PhoneWrite {
                number: "+821012345678".into(),
                overseas: false,
                country: Some("KR".into()),
            }),
            proofs: None,
        });
        assert_eq!(draft.input.email, "seoyeon.lee@naver.com");
        assert_eq!(draft.input.phone, "010-1234-5678");
        assert!(!draft.input.overseas);
        assert_eq!(draft.input.country, None);
    }

    #[test]
    fn a_code_not_sent_names_its_reason() {
        let mut row = CodeRow::new(
            Channel::Phone,
            VerificationPurpose::Change,
            Some(1),
            "k".into(),
            "010-****-5678".into(),
        );
        row.not_sent(SyncReason::new("rate_limited").with("seconds", "120"), None);
        assert_eq!(
            not_sent_error(&row),
            ServiceError::VerificationRateLimited { seconds: 120 }
        );
        row.not_sent(SyncReason::new("sender_not_configured"), None);
        assert_eq!(not_sent_error(&row), ServiceError::SenderNotConfigured);
    }
}

//! The identity info: the overview, the draft the change form keeps, the save and the delete that
//! the sender sends, and the user's answer to a conflict. The form is validated here with core's
//! rules before anything is queued.

use super::{Service, HOLD_LIMIT};
use crate::email::mask_email;
use crate::identity::InputError;
use crate::phone::mask_phone;
use crate::sync::account_gone;
use crate::sync::crypto::DRAFT_AAD;
use crate::sync::error::ServiceError;
use crate::sync::server_view;
use crate::sync::session::AuthFailure;
use crate::sync::store::outbox::{self, OpKind, OpState};
use crate::sync::store::{drafts, server_binding, snapshot};
use crate::sync::types::*;
use zeroize::Zeroizing;

impl Service {
    /// The overview from the local store; never fails (a store failure shows the last one).
    pub async fn overview(&self) -> Overview {
        self.publish().await;
        self.rt.overview_tx.borrow().clone()
    }

    /// One conditional GET of the identity (304 when unchanged).
    pub async fn refresh(&self) -> Result<Overview, ServiceError> {
        let rt = &self.rt;
        rt.session.require_account().await?;
        match server_view::fetch_identity(rt, true).await {
            Ok(_) => {}
            Err(AuthFailure::SignInRequired) => {
                rt.set_sign_in_required(true);
                self.publish().await;
                return Err(ServiceError::SessionExpired);
            }
            Err(AuthFailure::Api(e)) => {
                rt.note_failure(&e);
                self.publish().await;
                return account_gone::settle(rt, Err(e.into())).await;
            }
            Err(AuthFailure::Local(e)) => return Err(e),
        }
        rt.set_online(true);
        Ok(self.overview().await)
    }

    /// The draft as it was left, or `None` (none, expired, or its key is gone).
    ///
    /// Without a draft, registered info is fetched from the server to prefill the change form, so
    /// that changing one part never silently clears the other (a save replaces both). Offline
    /// there is nothing to prefill with (only masked values are kept): `None`.
    pub async fn load_draft(&self) -> Result<Option<Draft>, ServiceError> {
        let rt = &self.rt;
        let Some((sealed, _)) = rt.store.call(|c| drafts::get(c)).await? else {
            return Ok(self.current_values().await);
        };
        let opened = rt.sealer()?.open(DRAFT_AAD, &sealed);
        match opened.and_then(|plain| serde_json::from_slice::<Draft>(&plain).ok()) {
            Some(draft) => Ok(Some(draft)),
            None => {
                tracing::warn!("a draft could not be opened (its key is gone): it is deleted");
                rt.store.call(|c| drafts::delete(c)).await?;
                Ok(None)
            }
        }
    }

    /// The registered values from the server, when there are any and it can be reached.
    async fn current_values(&self) -> Option<Draft> {
        let rt = &self.rt;
        // The overview as last published: reading it needs no store round trip.
        let (registered, online) = {
            let overview = rt.overview_tx.borrow();
            (overview.info.is_some(), overview.online)
        };
        // Known to be offline: the form opens at once rather than after a connect timeout.
        if !registered || !online {
            return None;
        }
        let fetch = rt
            .session
            .authed(|token| async move { rt.api.current_values(&token).await });
        // The form waits for this: a slow network gets a short wait, then an empty form that
        // says why.
        match tokio::time::timeout(HOLD_LIMIT, fetch).await {
            Ok(Ok(draft)) if !draft.input.email.is_empty() || !draft.input.phone.is_empty() => {
                Some(draft)
            }
            Ok(Ok(_)) => None,
            Ok(Err(_)) | Err(_) => {
                tracing::info!("registered info could not be fetched to prefill the form");
                None
            }
        }
    }

    /// Keeps the draft; on disk (fsynced) when this returns.
    pub async fn save_draft(&self, draft: &Draft) -> Result<(), ServiceError> {
        let rt = &self.rt;
        let plain =
            Zeroizing::new(serde_json::to_vec(draft).map_err(|_| ServiceError::LocalStore)?);
        let sealed = rt
            .sealer()?
            .seal(DRAFT_AAD, &plain)
            .ok_or(ServiceError::LocalStore)?;
        let lifetime = i64::from(rt.config.draft_lifetime_days) * 24 * 3600 * 1000;
        rt.store
            .call(move |c| drafts::put(c, &sealed, lifetime))
            .await?;
        self.publish().await;
        Ok(())
    }

    /// Discards the writes queued while the app was set up for another server (the user's answer
    /// to `Overview.other_server_writes`); they are never sent to this one either way.
    pub async fn discard_other_server_writes(&self) -> Result<Overview, ServiceError> {
        self.rt
            .store
            .call(|c| server_binding::discard_parked(c))
            .await?;
        Ok(self.overview().await)
    }

    /// Deletes the draft (the form was closed without saving).
    pub async fn discard_draft(&self) -> Result<(), ServiceError> {
        self.rt.store.call(|c| drafts::delete(c)).await?;
        self.publish().await;
        Ok(())
    }

    /// Validates the form with core's rules; if valid, queues the save (the draft stays until the
    /// save is applied) and, when online, waits for the first answer so that the server's field
    /// errors come back here too, at most [`HOLD_LIMIT`]: then the save is shown queued and the
    /// sender finishes it.
    pub async fn submit_identity(&self, draft: &Draft) -> Result<SubmitOutcome, ServiceError> {
        let rt = &self.rt;
        let account = rt.session.require_account().await?;
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
        let field_errors = self.await_first_answer(seq).await?;
        Ok(SubmitOutcome {
            overview: self.overview().await,
            field_errors,
        })
    }

    /// Queues the deletion; when applied, the sender reads back, purges every local copy and
    /// journals it.
    pub async fn delete_identity(&self) -> Result<Overview, ServiceError> {
        let rt = &self.rt;
        rt.session.require_account().await?;
        // A draft is a local copy of the info being deleted: it goes with the write.
        self.queue_write(OpKind::Delete, None, None, |c, _| drafts::delete(c))
            .await?;
        rt.wake.notify_one();
        Ok(self.overview().await)
    }

    /// The re-confirm card's "keep": the registered info is still right. Queued like any write
    /// (`POST /v1/identity/reconfirm`), so the card goes away at once, also offline.
    pub async fn keep_info(&self) -> Result<Overview, ServiceError> {
        let rt = &self.rt;
        rt.session.require_account().await?;
        if self.overview().await.info.is_none() {
            return Err(ServiceError::NoInfo);
        }
        self.queue_write(OpKind::Reconfirm, None, None, |_, _| Ok(()))
            .await?;
        rt.wake.notify_one();
        Ok(self.overview().await)
    }

    /// The user's answer to a conflict: send mine over the server's version, or drop mine.
    pub async fn resolve_conflict(&self, choice: ConflictChoice) -> Result<Overview, ServiceError> {
        let rt = &self.rt;
        rt.store
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
        rt.reset_retry();
        rt.wake.notify_one();
        Ok(self.overview().await)
    }

    /// After an attempt of the write `seq`, or when offline, gives back the server's field errors.
    async fn await_first_answer(&self, seq: i64) -> Result<Vec<FieldError>, ServiceError> {
        let mut attempts = self.rt.attempts_tx.subscribe();
        self.rt.wake.notify_one();
        let deadline = HOLD_LIMIT;
        let wait = async {
            loop {
                let (online, blocked) = {
                    let live = self.rt.live.lock().map_err(|_| ServiceError::LocalStore)?;
                    (live.reach.online(), live.sign_in_required)
                };
                let op = self.rt.store.call(move |c| outbox::get(c, seq)).await?;
                match op {
                    None => return Ok(Vec::new()),
                    Some(op) if op.state == OpState::Rejected => {
                        let errors: Vec<FieldError> = op
                            .refusal
                            .iter()
                            .flat_map(|r| &r.field_errors)
                            .map(InputError::to_field_error)
                            .collect();
                        if !errors.is_empty() {
                            // "Non-empty: nothing was queued": the refused save goes.
                            self.rt.store.call(move |c| outbox::remove(c, seq)).await?;
                        }
                        return Ok(errors);
                    }
                    // Waiting for codes, the password or consent: the overview says which.
                    Some(op) if op.state != OpState::Queued => return Ok(Vec::new()),
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

/// The form judged by core's one rule ([`crate::identity::IdentityInput::check`]): the request
/// body and its masked view, or the reasons as the form shows them.
fn validate(draft: &Draft, account: &str) -> Result<(Vec<u8>, MaskedInfo), Vec<FieldError>> {
    let valid = draft.input.check(account).map_err(|errors| {
        errors
            .iter()
            .map(InputError::to_field_error)
            .collect::<Vec<_>>()
    })?;
    let masked = MaskedInfo {
        email: valid.email.as_ref().map(|e| mask_email(&e.address)),
        phone: valid.phone.as_ref().map(mask_phone),
        phone_country: valid.phone.as_ref().map(|p| p.country.clone()),
        overseas: valid.phone.is_some() && valid.overseas,
        email_verified_at: None,
        phone_verified_at: None,
    };
    let body = serde_json::to_vec(&valid.to_write()).map_err(|_| Vec::new())?;
    Ok((body, masked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_uses_core_rules_and_masks() {
        let draft = Draft {
            input: IdentityInput {
                email: "seoyeon.lee@naver.com".into(),
                phone: "010 1234 5678".into(),
                ..IdentityInput::default()
            },
            ..Draft::default()
        };
        let (body, masked) = validate(&draft, "registered@corp.example").unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["phone"]["number"], "+821012345678");
        assert_eq!(masked.phone.as_deref(), Some("010-****-5678"));
        assert_eq!(masked.email.as_deref(), Some("se***@naver.com"));

        let bad = Draft {
            input: IdentityInput {
                email: "registered@corp.example".into(),
                phone: "02-123-4567".into(),
                ..IdentityInput::default()
            },
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

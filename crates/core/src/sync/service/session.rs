//! Signing in and out: a silent start-up with the stored tokens, password sign-in, sign-out.

use super::Service;
use crate::sync::account_gone;
use crate::sync::api_client::ApiError;
use crate::sync::error::ServiceError;
use crate::sync::kept_access::{now_unix, KeptAccess};
use crate::sync::session::AuthFailure;
use crate::sync::store::outbox::OpState;
use crate::sync::store::{drafts, outbox, server_binding, snapshot, verifications};
use crate::sync::types::{Account, CodeState, Overview};
use zeroize::Zeroizing;

impl Service {
    /// Signs in silently with the stored tokens: `None` when there are none or they are no longer
    /// valid (show sign-in). A start-up within the kept access token's lifetime costs one
    /// conditional GET; otherwise the refresh token is rotated first. Offline, the cached account
    /// is returned and the sender renews the session when the server is back.
    pub async fn restore_session(&self) -> Result<Option<Account>, ServiceError> {
        let rt = &self.rt;
        let cached = rt.store.call(|c| snapshot::get(c)).await?.account;
        let stored = match rt.session.stored_tokens().await {
            Ok(stored) => stored,
            // The credential store does not answer now: the cached account is shown with the
            // store's state, and the session is renewed once the store answers again.
            Err(ServiceError::CredentialStore) => match cached {
                Some(account) => {
                    rt.session.begin_offline(account.clone()).await;
                    self.publish().await;
                    return Ok(Some(account));
                }
                None => return Err(ServiceError::CredentialStore),
            },
            Err(error) => return Err(error),
        };
        let (Some(_), kept) = stored else {
            return Ok(None);
        };
        if let (Some(kept), Some(account)) = (kept, cached.clone()) {
            if kept.usable_at(now_unix()) {
                return self.resume(kept, account).await;
            }
        }
        // Through the session's renewal, under its lock: a request that needs a renewal at the same
        // time (the sender, a refresh, a second restore) waits for this one and uses its token
        // instead of presenting the same single-use refresh token again, which the server would
        // take for a stolen copy and end the whole sign-in.
        match rt.session.renew(None).await {
            Ok(access) => {
                let account = match cached {
                    Some(account) => account,
                    None => rt.api.me(&access).await?,
                };
                self.start_session(access, &account).await?;
                Ok(Some(account))
            }
            Err(AuthFailure::SignInRequired) => {
                rt.session.forget_tokens().await?;
                Ok(None)
            }
            Err(AuthFailure::Api(ApiError::AccountDeleted)) => {
                account_gone::settle(rt, Err(ServiceError::AccountDeleted))
                    .await
                    .or(Ok(None))
            }
            Err(AuthFailure::Api(error)) if error.is_transient() => match cached {
                Some(account) => {
                    rt.session.begin_offline(account.clone()).await;
                    rt.note_failure(&error);
                    self.publish().await;
                    rt.wake.notify_one();
                    Ok(Some(account))
                }
                None => Err(error.into()),
            },
            Err(failure) => Err(failure.into()),
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
        let rt = &self.rt;
        rt.session.begin(kept.token, account.clone()).await;
        rt.set_sign_in_required(false);
        // Offline or failing, the cache serves and the sender retries; only a refused refresh
        // token ends the start-up at sign-in.
        if let Err(ServiceError::SessionExpired | ServiceError::AccountDeleted) =
            self.refresh().await
        {
            rt.session.forget_tokens().await?;
            rt.session.end().await;
            rt.set_sign_in_required(false);
            self.publish().await;
            return Ok(None);
        }
        self.publish().await;
        rt.wake.notify_one();
        Ok(Some(account))
    }

    /// Password sign-in. Signing in as another account than the one cached wipes the local copy
    /// of the previous one (drafts, outbox, caches) first.
    ///
    /// A sign-in cannot be queued (the password is never kept), so it waits for the server, as long
    /// as the request timeout; [`Service::cancel_sign_in`] ends the wait (`sign_in_cancelled`)
    /// while it is on the network. Nothing local has changed then; a token the server issued in
    /// the meantime is never kept and lapses.
    pub async fn sign_in(&self, address: &str, password: &str) -> Result<Account, ServiceError> {
        let rt = &self.rt;
        let cancelled = rt.cancel_sign_in.notified();
        let network = async {
            let tokens = rt.api.sign_in(address.trim(), password).await?;
            let account = rt.api.me(&tokens.access_token).await?;
            Ok::<_, ApiError>((tokens, account))
        };
        let answered = tokio::select! {
            answered = network => answered,
            () = cancelled => return Err(ServiceError::SignInCancelled),
        };
        let (tokens, account) = match answered {
            Err(ApiError::AccountDeleted) => {
                return Err(account_gone::at_sign_in(rt, address).await)
            }
            other => other?,
        };
        let cached = rt.store.call(|c| snapshot::get(c)).await?.account;
        if cached.is_some_and(|c| !c.address.eq_ignore_ascii_case(&account.address)) {
            self.wipe_local().await?;
        }
        rt.session.keep_tokens(&tokens).await?;
        self.start_session(tokens.access_token, &account).await?;
        Ok(account)
    }

    /// Ends a password sign-in that waits for the server (see [`Service::sign_in`]); nothing when
    /// none waits.
    pub fn cancel_sign_in(&self) {
        self.rt.cancel_sign_in.notify_waiters();
    }

    /// The password dialog of a step-up (RFC 9470): signs in again as the signed-in account for a
    /// fresh password time (both tokens replaced, kept like a sign-in's), then the write that
    /// waited at the head goes on where it was (its codes, or its send). A wrong password is
    /// `invalid_credentials` and the write still waits; nothing local is wiped.
    pub async fn step_up(&self, password: &str) -> Result<Overview, ServiceError> {
        let rt = &self.rt;
        let account = rt.session.require_account().await?;
        let tokens = match rt.api.sign_in(&account.address, password).await {
            Ok(tokens) => tokens,
            Err(error) => {
                if error.unreachable().is_some() {
                    rt.note_failure(&error);
                    self.publish().await;
                }
                return Err(error.into());
            }
        };
        rt.session.keep_tokens(&tokens).await?;
        rt.session.begin(tokens.access_token, account).await;
        rt.set_online(true);
        rt.set_sign_in_required(false);
        rt.set_password_required(false);
        rt.store
            .call(|c| {
                let tx = c.transaction()?;
                if let Some(op) =
                    outbox::head(&tx)?.filter(|op| op.state == OpState::PasswordRequired)
                {
                    let codes_left = verifications::of_op(&tx, op.seq)?
                        .iter()
                        .any(|r| r.state != CodeState::Confirmed);
                    let next = if codes_left {
                        OpState::AwaitingCodes
                    } else {
                        OpState::Queued
                    };
                    outbox::set_state(&tx, op.seq, next, None)?;
                }
                tx.commit()?;
                Ok(())
            })
            .await?;
        rt.reset_retry();
        rt.wake.notify_one();
        Ok(self.overview().await)
    }

    /// Revokes the sign-in, deletes the stored token and the local key (destroying every draft and
    /// queued body at once), and wipes drafts, outbox and caches. Offline, the revocation is
    /// skipped; the token is deleted locally all the same.
    pub async fn sign_out(&self) -> Result<(), ServiceError> {
        let rt = &self.rt;
        let (refresh, _) = rt.session.stored_tokens().await?;
        if let Some(token) = refresh {
            if let Err(error) = rt.api.revoke(&token).await {
                tracing::warn!(%error, "sign-out: the token could not be revoked on the server");
            }
        }
        rt.session.forget_tokens().await?;
        rt.forget_key().await?;
        rt.session.end().await;
        self.wipe_local().await?;
        rt.set_sign_in_required(false);
        self.publish().await;
        Ok(())
    }

    /// Starts the session of `account` with a fresh access token (the tokens are kept already):
    /// the account is remembered for an offline start-up, and the one conditional GET of a
    /// start-up is made (offline or failing, the cache serves). The sender is woken.
    async fn start_session(
        &self,
        access: Zeroizing<String>,
        account: &Account,
    ) -> Result<(), ServiceError> {
        let rt = &self.rt;
        rt.session.begin(access, account.clone()).await;
        rt.store.call(|c| account_gone::clear_mark(c)).await?;
        rt.set_online(true);
        rt.set_sign_in_required(false);
        self.remember_account(account).await?;
        let _ = self.refresh().await;
        rt.wake.notify_one();
        Ok(())
    }

    /// Keeps the signed-in account in the snapshot, so that an offline start-up can show it.
    async fn remember_account(&self, account: &Account) -> Result<(), ServiceError> {
        let account = account.clone();
        self.rt
            .store
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
        self.rt
            .store
            .call(|c| {
                let tx = c.transaction()?;
                drafts::delete(&tx)?;
                outbox::clear(&tx)?;
                verifications::clear(&tx)?;
                snapshot::clear(&tx)?;
                server_binding::discard_parked(&tx)?;
                tx.commit()?;
                Ok(())
            })
            .await?;
        self.rt.reset_retry();
        self.rt.set_password_required(false);
        Ok(())
    }
}

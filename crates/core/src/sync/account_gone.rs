//! The account was deleted by the organisation (someone left the company): what the app does when
//! the server answers `410 account_deleted`.
//!
//! The server says it on the next contact of any kind: the start-up's token renewal or
//! conditional GET, a queued write the sender tries, a password sign-in. The answer is final, so
//! everything this PC kept for the account is wiped at once, as a sign-out does and more: the
//! stored tokens, the local key (every sealed draft and queued body becomes unreadable), drafts,
//! the outbox, codes being asked for, writes parked for another server, and the masked snapshot.
//! Nothing queued is sent again, to this account or any other: the queue is gone before anyone can
//! sign in. A marker without personal data (when it happened) stays, so that the sign-in screen can
//! say in plain words that the account was deleted and whom to ask, until someone signs in again.
//! The consent journal stays: it holds no personal data and is the record of what was decided.

use super::error::ServiceError;
use super::runtime::Runtime;
use super::store::{drafts, meta, outbox, server_binding, snapshot, verifications, StoreError};
use rusqlite::Connection;

/// The `meta` entry saying when this PC learned its account was deleted (RFC 3339).
pub(crate) const MARKER: &str = "account_gone_at";

/// Whether `result` is the server's word that the account is gone.
pub(crate) fn is_gone<T>(result: &Result<T, ServiceError>) -> bool {
    matches!(result, Err(ServiceError::AccountDeleted))
}

/// Wipes everything kept for the deleted account and ends the session. Each part is attempted
/// even when another fails (a credential store that does not answer must not keep drafts alive);
/// the first failure is returned.
pub(crate) async fn wipe(rt: &Runtime) -> Result<(), ServiceError> {
    tracing::warn!("the server says this account was deleted: wiping its local data");
    let mut first: Option<ServiceError> = None;
    let mut note = |result: Result<(), ServiceError>| {
        if let Err(error) = result {
            tracing::error!(%error, "wiping a deleted account's data");
            first.get_or_insert(error);
        }
    };
    note(rt.session.forget_tokens().await);
    note(rt.forget_key().await);
    rt.session.end().await;
    let at = super::clock::now_rfc3339();
    note(
        rt.store
            .call(move |c| wipe_store(c, &at))
            .await
            .map_err(ServiceError::from),
    );
    rt.reset_retry();
    rt.set_password_required(false);
    rt.set_sign_in_required(false);
    match first {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// The local store's part, in one transaction: secure_delete zeroes what it frees.
fn wipe_store(c: &mut Connection, at: &str) -> Result<(), StoreError> {
    let tx = c.transaction()?;
    drafts::delete(&tx)?;
    outbox::clear(&tx)?;
    verifications::clear(&tx)?;
    server_binding::discard_parked(&tx)?;
    snapshot::clear(&tx)?;
    meta::set(&tx, MARKER, at)?;
    tx.commit()?;
    // The WAL would keep the old pages until the next checkpoint: fold them in now.
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// Whether this PC learned that its account was deleted (and nobody has signed in since).
pub(crate) fn marked(c: &Connection) -> Result<bool, StoreError> {
    Ok(meta::get(c, MARKER)?.is_some_and(|at| !at.is_empty()))
}

/// A sign-in succeeded: the notice has done its job.
pub(crate) fn clear_mark(c: &Connection) -> Result<(), StoreError> {
    meta::set(c, MARKER, "")
}

/// A password sign-in answered that `address` was deleted: what this PC kept is wiped when it is
/// that account's (or nobody's, so that the sign-in screen says so); another account's copy is
/// left alone, since someone typing a deleted address says nothing about it.
pub(crate) async fn at_sign_in(rt: &Runtime, address: &str) -> ServiceError {
    let cached = rt
        .store
        .call(|c| snapshot::get(c))
        .await
        .map(|snap| snap.account);
    let ours = match &cached {
        Ok(None) => true,
        Ok(Some(account)) => account.address.eq_ignore_ascii_case(address.trim()),
        Err(_) => false,
    };
    if ours {
        if let Err(error) = wipe(rt).await {
            return error;
        }
        super::overview::publish(rt).await;
    }
    ServiceError::AccountDeleted
}

/// Passes `result` on, wiping first when it says the account is gone.
pub(crate) async fn settle<T>(
    rt: &Runtime,
    result: Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    if is_gone(&result) {
        wipe(rt).await?;
        super::overview::publish(rt).await;
    }
    result
}

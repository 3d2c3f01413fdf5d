//! The server's view of the identity (consent, masked info, version), read with the session and
//! kept in the local snapshot: what the overview shows when nothing is queued, and the version the
//! next write is based on. The façade reads it on refresh; the outbox sender reads it to rebase a
//! write, to fill a conflict, and to confirm a delete.

use super::api_client::{Fetched, RemoteIdentity};
use super::clock::now_rfc3339;
use super::runtime::Runtime;
use super::session::AuthFailure;
use super::store::{snapshot, StoreError};

/// GETs the identity (conditionally when `conditional`) and keeps it in the snapshot.
pub(crate) async fn fetch_identity(
    rt: &Runtime,
    conditional: bool,
) -> Result<Option<RemoteIdentity>, AuthFailure> {
    let known = if conditional {
        rt.store
            .call(|c| snapshot::get(c))
            .await
            .map_err(|e| AuthFailure::Local(e.into()))?
            .etag
    } else {
        None
    };
    let fetched = rt
        .session
        .authed(|token| {
            let known = known.clone();
            async move { rt.api.identity(&token, known.as_deref()).await }
        })
        .await?;
    match fetched {
        Fetched::NotModified => {
            rt.store
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
            rt.store
                .call(move |c| keep_remote(c, &kept))
                .await
                .map_err(|e| AuthFailure::Local(e.into()))?;
            Ok(Some(*remote))
        }
    }
}

/// Keeps what the server said in the snapshot (masked).
pub(crate) fn keep_remote(
    c: &rusqlite::Connection,
    remote: &RemoteIdentity,
) -> Result<(), StoreError> {
    let mut snap = snapshot::get(c)?;
    snap.consent = Some(remote.consent.clone());
    snap.info = remote.info.clone();
    snap.updated_at = remote.updated_at.clone();
    snap.etag = remote.etag.clone();
    snap.synced_at = Some(now_rfc3339());
    if remote.current_notice_version.is_some() {
        snap.current_notice_version = remote.current_notice_version.clone();
    }
    snap.confirmed_at = remote.confirmed_at.clone();
    snap.reconfirm_days = remote.reconfirm_days;
    snapshot::put(c, &snap)
}

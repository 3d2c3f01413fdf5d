//! A queued write's body, sealed for its row: the associated data names the row's sequence
//! number, the write's kind and the signed-in account ([`crypto::outbox_aad`]), so that a body
//! moved to another row in the database file fails to open instead of being sent as that row.
//!
//! Failing to open has two meanings that must never be confused: the key or the account is not at
//! hand now ([`BodyError::Unavailable`]: try later, keep everything), or the body was sealed for
//! another row, key or account, or is damaged ([`BodyError::Unreadable`]: it can never be sent).

use super::crypto::{self, OUTBOX_AAD_KIND_ONLY};
use super::runtime::Runtime;
use super::store::outbox::{self, Op, OpKind, AAD_KIND_ONLY};
use super::store::StoreError;
use zeroize::Zeroizing;

/// Why a body could not be opened or sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BodyError {
    /// The local key (the credential store) or the signed-in account is not at hand now.
    #[error("the local key or the account is not available now")]
    Unavailable,
    /// Sealed for another row, kind, account or key, or damaged: never sent.
    #[error("the sealed body does not belong to this row")]
    Unreadable,
    /// No randomness for a nonce, or a body without its row.
    #[error("the body could not be sealed")]
    Seal,
}

impl From<BodyError> for StoreError {
    fn from(error: BodyError) -> StoreError {
        match error {
            BodyError::Unavailable => StoreError::Corrupt("local key unavailable"),
            BodyError::Unreadable => StoreError::Corrupt("sealed body"),
            BodyError::Seal => StoreError::Corrupt("seal"),
        }
    }
}

/// The signed-in account's address, which a body's associated data names.
async fn account(rt: &Runtime) -> Result<String, BodyError> {
    rt.session
        .account()
        .await
        .map(|a| a.address)
        .ok_or(BodyError::Unavailable)
}

/// Seals `plain` as the body of row `seq`, a write of `kind`.
pub(crate) async fn seal(
    rt: &Runtime,
    seq: i64,
    kind: OpKind,
    plain: &[u8],
) -> Result<Vec<u8>, BodyError> {
    let account = account(rt).await?;
    let sealer = rt.sealer().map_err(|_| BodyError::Unavailable)?;
    sealer
        .seal(&crypto::outbox_aad(seq, kind.as_str(), &account), plain)
        .ok_or(BodyError::Seal)
}

/// A sealer for the rows of one queue call: seals for whichever row the store gives the write.
pub(crate) async fn sealer_for(
    rt: &Runtime,
    kind: OpKind,
) -> Result<impl Fn(i64, &[u8]) -> Result<Vec<u8>, BodyError>, BodyError> {
    let account = account(rt).await?;
    let sealer = rt.sealer().map_err(|_| BodyError::Unavailable)?;
    Ok(move |seq: i64, plain: &[u8]| {
        sealer
            .seal(&crypto::outbox_aad(seq, kind.as_str(), &account), plain)
            .ok_or(BodyError::Seal)
    })
}

/// Opens the body of `op` (an op without one is [`BodyError::Unreadable`]).
pub(crate) async fn open(rt: &Runtime, op: &Op) -> Result<Zeroizing<Vec<u8>>, BodyError> {
    let sealed = op.sealed_body.as_ref().ok_or(BodyError::Unreadable)?;
    let account = account(rt).await?;
    let sealer = rt.sealer().map_err(|_| BodyError::Unavailable)?;
    let opened = if op.aad == AAD_KIND_ONLY {
        sealer.open(OUTBOX_AAD_KIND_ONLY, sealed)
    } else {
        sealer.open(
            &crypto::outbox_aad(op.seq, op.kind.as_str(), &account),
            sealed,
        )
    };
    opened.ok_or(BodyError::Unreadable)
}

/// Re-seals the bodies sealed before rows were named in them under their row's associated data,
/// in one transaction, so that they too no longer open anywhere else. A body that does not open is
/// left as it is (its attempt refuses it). Cheap when there is nothing to do (one query).
pub(crate) async fn upgrade_kind_only(rt: &Runtime) -> Result<(), BodyError> {
    let old = rt
        .store
        .call(|c| outbox::kind_only_sealed(c))
        .await
        .map_err(|_| BodyError::Unavailable)?;
    if old.is_empty() {
        return Ok(());
    }
    let mut resealed = Vec::with_capacity(old.len());
    for op in &old {
        match open(rt, op).await {
            Ok(plain) => resealed.push((op.seq, seal(rt, op.seq, op.kind, &plain).await?)),
            Err(BodyError::Unreadable) => {}
            Err(other) => return Err(other),
        }
    }
    rt.store
        .call(move |c| {
            let tx = c.transaction()?;
            for (seq, body) in &resealed {
                outbox::set_body(&tx, *seq, body)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
        .map_err(|_| BodyError::Unavailable)
}

//! Ownership codes, the local parts: which channels of a queued save certainly need a code, the
//! code as typed checked before any request, the code screen's view of the rows kept in
//! [`super::store::verifications`], and the save's verified-at dates as the overview shows them.
//!
//! No network here: the sender starts the codes ([`super::sender`]), the façade confirms and
//! resends them (`service/verification.rs`).

use super::store::outbox::Op;
use super::store::verifications::CodeRow;
use super::types::{Channel, CodeState, CodeView, MaskedInfo, VerificationView};
use crate::wire::IdentityWrite;

/// Why a typed code was refused before any request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeFormatError;

/// The code as typed, as the server reads it: blanks and hyphens removed (`123 456`, `123-456`,
/// full-width digits too), then exactly 6 ASCII digits. Checked locally so that a typo costs none
/// of the code's 5 tries.
pub fn normalize_code(typed: &str) -> Result<String, CodeFormatError> {
    let mut digits = String::with_capacity(6);
    for c in typed.chars() {
        match c {
            '0'..='9' => digits.push(c),
            // Full-width digits from a Korean IME.
            '０'..='９' => {
                let offset = u32::from(c) - u32::from('０');
                digits.push(char::from_digit(offset, 10).ok_or(CodeFormatError)?);
            }
            c if c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '–' | '—' | '－') => {}
            _ => return Err(CodeFormatError),
        }
    }
    if digits.len() == 6 {
        Ok(digits)
    } else {
        Err(CodeFormatError)
    }
}

/// The masked value of `channel` in `info` (the phone with its country: the same digits masked
/// in two countries are two numbers).
fn masked_value(info: Option<&MaskedInfo>, channel: Channel) -> Option<(String, Option<String>)> {
    let info = info?;
    match channel {
        Channel::Email => info.email.clone().map(|e| (e, None)),
        Channel::Phone => info.phone.clone().map(|p| (p, info.phone_country.clone())),
    }
}

/// The channels of a save whose value certainly differs from what the server holds: the server
/// has none for it, or its masked value differs. (Equal masks may still hide a change; the
/// server's `422 verification_required` catches those.)
pub fn channels_certainly_new(mine: &MaskedInfo, server: Option<&MaskedInfo>) -> Vec<Channel> {
    [Channel::Email, Channel::Phone]
        .into_iter()
        .filter(|&channel| {
            let Some(value) = masked_value(Some(mine), channel) else {
                return false;
            };
            masked_value(server, channel).as_ref() != Some(&value)
        })
        .collect()
}

/// The rows for `channels` of the save `op`: each still to be sent (`start_key` gives each its
/// own idempotency key).
pub fn rows_for(
    op: &Op,
    channels: &[Channel],
    mut start_key: impl FnMut() -> Option<String>,
) -> Option<Vec<CodeRow>> {
    let masked = op.masked.as_ref()?;
    channels
        .iter()
        .map(|&channel| {
            let (destination, _) = masked_value(Some(masked), channel)?;
            Some(CodeRow::new(
                channel,
                super::types::VerificationPurpose::Change,
                Some(op.seq),
                start_key()?,
                destination,
            ))
        })
        .collect()
}

/// A save's body without the proofs of `channels` (they were refused: new codes are asked for).
pub fn drop_proofs(write: &mut IdentityWrite, channels: &[Channel]) {
    if let Some(proofs) = write.proofs.as_mut() {
        for channel in channels {
            match channel {
                Channel::Email => proofs.email = None,
                Channel::Phone => proofs.phone = None,
            }
        }
        if proofs.is_empty() {
            write.proofs = None;
        }
    }
}

/// The code screen's content from the rows (`now` in RFC 3339 UTC, to tell a code that expired
/// while nobody looked, also while the app was closed).
pub fn view(rows: &[CodeRow], now: &str) -> Option<VerificationView> {
    let purpose = rows.first()?.purpose;
    // Every code typed: nothing is asked of the employee any more. The save they proved goes on
    // like any queued write (waiting, retrying) and the status says so; the code screen is done.
    if rows.iter().all(|row| row.state == CodeState::Confirmed) {
        return None;
    }
    let codes = rows
        .iter()
        .map(|row| {
            let expired = row.state == CodeState::Sent
                && row
                    .expires_at
                    .as_deref()
                    .is_some_and(|at| super::clock::is_past(at, now));
            CodeView {
                channel: row.channel,
                destination: row.destination.clone(),
                state: if expired {
                    CodeState::Expired
                } else {
                    row.state
                },
                expires_at: row.expires_at.clone(),
                resend_at: row.resend_at.clone(),
                attempts_left: row.attempts_left,
                reason: row.reason.clone(),
                retry_at: row.retry_at.clone(),
            }
        })
        .collect();
    Some(VerificationView { purpose, codes })
}

/// A queued save's masked info as the overview shows it: a channel whose value is unchanged keeps
/// the server's verified-at date; a new or changed one has none until the server says so.
pub fn overlay_verified(mine: &MaskedInfo, server: Option<&MaskedInfo>) -> MaskedInfo {
    let same = |channel| {
        masked_value(Some(mine), channel).is_some()
            && masked_value(Some(mine), channel) == masked_value(server, channel)
    };
    MaskedInfo {
        email_verified_at: server
            .filter(|_| same(Channel::Email))
            .and_then(|s| s.email_verified_at.clone()),
        phone_verified_at: server
            .filter(|_| same(Channel::Phone))
            .and_then(|s| s.phone_verified_at.clone()),
        ..mine.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::store::outbox::{OpKind, OpState};
    use crate::sync::types::{SyncReason, VerificationPurpose};

    fn info(email: Option<&str>, phone: Option<&str>) -> MaskedInfo {
        MaskedInfo {
            email: email.map(str::to_string),
            phone: phone.map(str::to_string),
            phone_country: phone.map(|_| "KR".to_string()),
            email_verified_at: email.map(|_| "2026-12-01T00:00:00Z".to_string()),
            phone_verified_at: phone.map(|_| "2026-12-02T00:00:00Z".to_string()),
            ..MaskedInfo::default()
        }
    }

    #[test]
    fn a_code_is_six_digits_as_a_person_types_them() {
        assert_eq!(normalize_code("123456").as_deref(), Ok("123456"));
        assert_eq!(normalize_code(" 123 456 ").as_deref(), Ok("123456"));
        assert_eq!(normalize_code("123-456").as_deref(), Ok("123456"));
        assert_eq!(normalize_code("１２３４５６").as_deref(), Ok("123456"));
        for bad in [
            "",
            "12345",
            "1234567",
            "12345a",
            "12 34 5",
            "١٢٣٤٥٦",
            "123.456",
        ] {
            assert_eq!(normalize_code(bad), Err(CodeFormatError), "{bad:?}");
        }
    }

    #[test]
    fn only_new_or_changed_channels_certainly_need_a_code() {
        let server = info(Some("ab***@naver.com"), Some("010-****-5678"));
        let same = info(Some("ab***@naver.com"), Some("010-****-5678"));
        assert!(channels_certainly_new(&same, Some(&server)).is_empty());
        let new_phone = info(Some("ab***@naver.com"), Some("010-****-1111"));
        assert_eq!(
            channels_certainly_new(&new_phone, Some(&server)),
            vec![Channel::Phone]
        );
        let both = info(Some("cd***@gmail.com"), Some("010-****-5678"));
        assert_eq!(
            channels_certainly_new(&both, None),
            vec![Channel::Email, Channel::Phone]
        );
        let mut abroad = same.clone();
        abroad.phone_country = Some("JP".into());
        assert_eq!(
            channels_certainly_new(&abroad, Some(&server)),
            vec![Channel::Phone]
        );
        let email_only = info(Some("ab***@naver.com"), None);
        assert!(channels_certainly_new(&email_only, Some(&server)).is_empty());
    }

    #[test]
    fn the_overlay_keeps_verified_dates_of_unchanged_values_only() {
        let server = info(Some("ab***@naver.com"), Some("010-****-5678"));
        let mut mine = info(Some("ab***@naver.com"), Some("010-****-1111"));
        mine.email_verified_at = None;
        mine.phone_verified_at = None;
        let shown = overlay_verified(&mine, Some(&server));
        assert_eq!(
            shown.email_verified_at.as_deref(),
            Some("2026-12-01T00:00:00Z")
        );
        assert_eq!(shown.phone_verified_at, None);
        assert_eq!(shown.phone.as_deref(), Some("010-****-1111"));
        assert_eq!(overlay_verified(&mine, None).email_verified_at, None);
    }

    #[test]
    fn a_sent_code_past_its_expiry_shows_expired() {
        let op = Op {
            seq: 3,
            kind: OpKind::Save,
            idempotency_key: "k".into(),
            sealed_body: None,
            masked: Some(info(Some("ab***@naver.com"), Some("010-****-5678"))),
            base_etag: None,
            state: OpState::AwaitingCodes,
            attempts: 0,
            refusal: None,
            created_at: 0,
            aad: crate::sync::store::outbox::AAD_ROW,
        };
        let mut n = 0;
        let mut rows = rows_for(&op, &[Channel::Email, Channel::Phone], || {
            n += 1;
            Some(format!("key{n}"))
        })
        .unwrap();
        assert_eq!(rows[1].destination, "010-****-5678");
        assert_eq!(rows[1].start_key, "key2");
        rows[0].sent(&crate::wire::Verification {
            id: "v1".into(),
            channel: Channel::Email,
            destination: "ab***@naver.com".into(),
            expires_at: "2026-12-06T00:03:00Z".into(),
            resend_at: "2026-12-06T00:01:00Z".into(),
            attempts_left: 5,
        });
        rows[1].not_sent(SyncReason::new("sender_not_configured"), None);
        let shown = view(&rows, "2026-12-06T00:02:59Z").unwrap();
        assert_eq!(shown.purpose, VerificationPurpose::Change);
        assert_eq!(shown.codes[0].state, CodeState::Sent);
        assert_eq!(shown.codes[1].state, CodeState::NotSent);
        let later = view(&rows, "2026-12-06T00:03:00Z").unwrap();
        assert_eq!(later.codes[0].state, CodeState::Expired);
        assert!(view(&[], "2026-12-06T00:00:00Z").is_none());

        // Once every code is typed, nothing is asked of the employee: no code screen, even while
        // the proven save still waits to be sent.
        for row in &mut rows {
            row.state = CodeState::Confirmed;
        }
        assert!(view(&rows, "2026-12-06T00:02:00Z").is_none());
    }

    #[test]
    fn dropping_proofs_leaves_the_others() {
        let mut write = IdentityWrite {
            email: Some("a@b.example".into()),
            phone: None,
            proofs: Some(crate::wire::Proofs {
                email: Some("p1".into()),
                phone: Some("p2".into()),
            }),
        };
        drop_proofs(&mut write, &[Channel::Phone]);
        assert_eq!(write.proofs.as_ref().and_then(|p| p.phone.clone()), None);
        drop_proofs(&mut write, &[Channel::Email]);
        assert!(write.proofs.is_none());
    }
}

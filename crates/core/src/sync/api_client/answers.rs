//! What a success answer becomes: the token pair, the identity masked for the snapshot and the
//! screens, and the registered values for the change form. Raw values never leave this module
//! except into the form's values, which the façade keeps only in the encrypted draft.

use super::error::ApiError;
use crate::email::mask_email;
use crate::phone::{check_phone, mask::mask_formatted, mask_phone, PhoneMode};
use crate::sync::types::{ConsentView, Draft, IdentityInput, MaskedInfo};
use crate::wire::{Identity, TokenResponse};
use reqwest::header::{HeaderMap, CONTENT_TYPE, ETAG};
use std::time::Duration;
use zeroize::Zeroizing;

/// A token pair. No `Debug` that shows a token.
pub struct Tokens {
    pub access_token: Zeroizing<String>,
    pub refresh_token: Zeroizing<String>,
    /// The access token's lifetime, when the server said it (the contract requires it; an answer
    /// without it still signs in, and the token is then not kept between runs).
    pub expires_in: Option<Duration>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens(…)")
    }
}

impl From<TokenResponse> for Tokens {
    fn from(answer: TokenResponse) -> Tokens {
        Tokens {
            access_token: Zeroizing::new(answer.access_token),
            refresh_token: Zeroizing::new(answer.refresh_token),
            expires_in: answer.expires_in.map(Duration::from_secs),
        }
    }
}

/// The identity as the server sent it, already masked: raw values never leave this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteIdentity {
    pub consent: ConsentView,
    pub info: Option<MaskedInfo>,
    pub updated_at: Option<String>,
    pub etag: Option<String>,
    /// The notice in force: an agreement on another version is outdated (re-consent).
    pub current_notice_version: Option<String>,
    /// RFC 3339: when the info was last registered, changed or kept (re-confirm).
    pub confirmed_at: Option<String>,
    /// The server's re-confirm setting in days; 0 is off.
    pub reconfirm_days: u32,
}

impl RemoteIdentity {
    /// The identity after a delete: nothing registered, known only by its new version.
    pub fn deleted(etag: Option<String>) -> RemoteIdentity {
        RemoteIdentity {
            consent: Default::default(),
            info: None,
            updated_at: None,
            etag,
            current_notice_version: None,
            confirmed_at: None,
            reconfirm_days: 0,
        }
    }

    /// True when the consent was agreed on a notice other than the one in force.
    pub fn consent_outdated(&self) -> bool {
        consent_outdated(&self.consent, self.current_notice_version.as_deref())
    }
}

/// True when `consent` was agreed on a notice other than `current` (unknown `current`: a server
/// before re-consent, never outdated). The one rule, as [`crate::wire::Identity::consent_outdated`].
pub fn consent_outdated(consent: &ConsentView, current: Option<&str>) -> bool {
    use crate::wire::ConsentState;
    match current.filter(|c| !c.is_empty()) {
        Some(current) => {
            consent.state == ConsentState::Agreed
                && consent.notice_version.as_deref() != Some(current)
        }
        None => false,
    }
}

impl RemoteIdentity {
    /// The answer masked for the snapshot and the screens.
    fn masked(identity: Identity, etag: Option<String>) -> RemoteIdentity {
        let phone = identity.phone.as_ref().map(|p| {
            // The number's own country gives its national format, whatever mode it was typed in.
            let own_country = PhoneMode::Overseas {
                country: Some(p.country.clone()),
            };
            match check_phone(&p.e164, &own_country) {
                Ok(valid) => mask_phone(&valid),
                Err(_) => mask_formatted(&p.e164),
            }
        });
        let info = (identity.email.is_some() || phone.is_some()).then(|| MaskedInfo {
            email: identity.email.as_deref().map(mask_email),
            phone,
            phone_country: identity.phone.as_ref().map(|p| p.country.clone()),
            overseas: identity.phone.as_ref().is_some_and(|p| p.overseas),
            email_verified_at: identity.email_verified_at.clone(),
            phone_verified_at: identity.phone_verified_at.clone(),
        });
        RemoteIdentity {
            consent: identity.consent.into(),
            info,
            updated_at: Some(identity.updated_at),
            etag,
            current_notice_version: Some(identity.current_notice_version).filter(|v| !v.is_empty()),
            confirmed_at: identity.confirmed_at,
            reconfirm_days: identity.reconfirm_days,
        }
    }
}

/// The registered values as the form shows them: the phone in its national format, the way a
/// person types it, with the overseas toggle and country it was registered with.
pub(super) fn form_values(identity: Identity) -> Draft {
    let (phone, overseas, country) = match identity.phone {
        Some(p) => {
            let mode = PhoneMode::for_form(p.overseas, Some(&p.country));
            let shown = check_phone(&p.e164, &mode)
                .map(|valid| valid.national)
                .unwrap_or(p.e164);
            (shown, p.overseas, p.overseas.then_some(p.country))
        }
        None => (String::new(), false, None),
    };
    Draft {
        input: IdentityInput {
            email: identity.email.unwrap_or_default(),
            phone,
            overseas,
            country,
        },
        focus: None,
        caret: None,
    }
}

/// What a conditional read found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: what the client has is current.
    NotModified,
    /// Boxed: an identity is large next to a 304.
    Fresh(Box<RemoteIdentity>),
}

pub(super) fn etag_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A success body: JSON by content type and by parse, else a [`ApiError::BadResponse`].
pub(super) fn json<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<T, ApiError> {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !is_json {
        return Err(ApiError::BadResponse("not JSON"));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let started = bytes.iter().any(|b| !b.is_ascii_whitespace());
        if e.is_eof() && started {
            // A JSON value that stops early is an answer cut off on the way, not a wrong one.
            ApiError::CutOff
        } else {
            ApiError::BadResponse("malformed JSON")
        }
    })
}

pub(super) fn identity(headers: &HeaderMap, bytes: &[u8]) -> Result<RemoteIdentity, ApiError> {
    let body: Identity = json(headers, bytes)?;
    let etag = etag_of(headers);
    if etag.is_none() {
        return Err(ApiError::BadResponse("no ETag"));
    }
    Ok(RemoteIdentity::masked(body, etag))
}

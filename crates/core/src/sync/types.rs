//! The types that cross the bridge to the window (docs/design/ipc.md), with the same names and JSON
//! shapes. Personal data (the recovery e-mail and phone) appears raw only in [`Draft`], whose
//! `Debug` masks it; everything else holds masked values.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::identity::{FieldError, FormField, IdentityInput};
pub use crate::wire::{Account, Channel, ConsentDecision, ConsentState, Notice};

/// What the user last decided, even if it is not sent yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConsentView {
    pub state: ConsentState,
    pub notice_version: Option<String>,
    /// RFC 3339.
    pub decided_at: Option<String>,
}

impl From<crate::wire::Consent> for ConsentView {
    fn from(consent: crate::wire::Consent) -> ConsentView {
        ConsentView {
            state: consent.state,
            notice_version: consent.notice_version,
            decided_at: consent.decided_at,
        }
    }
}

/// The registered info (or the info waiting to be sent), masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MaskedInfo {
    /// `ab***@naver.com`.
    pub email: Option<String>,
    /// `010-****-5678`, `+81 90-****-5678`.
    pub phone: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub phone_country: Option<String>,
    pub overseas: bool,
    /// RFC 3339: when a code sent to the e-mail address was last confirmed; `None`: not verified
    /// (registered before codes existed, or waiting to be sent).
    #[serde(default)]
    pub email_verified_at: Option<String>,
    /// RFC 3339, as `email_verified_at` for the phone number.
    #[serde(default)]
    pub phone_verified_at: Option<String>,
}

/// Why codes are being asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum VerificationPurpose {
    /// A queued save has new or changed values: it is sent once each has its code confirmed.
    Change,
    /// The employee asked to verify a value registered before codes existed (확인하기).
    Registered,
}

/// Where one channel's code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CodeState {
    /// Not sent yet: the server cannot be reached; it is sent when the connection returns.
    WaitingForNetwork,
    /// Sent: waiting for the employee to type it.
    Sent,
    /// Confirmed: the proof is held (in memory and in the sealed outbox), nothing more to type.
    Confirmed,
    /// 3 minutes passed: send a new one.
    Expired,
    /// 5 wrong tries: send a new one.
    Exhausted,
    /// The server refused to send (`reason` says why: a send cap with `retry_at`, no sender configured, …).
    NotSent,
}

/// One channel's code, as the code screen shows it. No value, only the masked destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodeView {
    pub channel: Channel,
    /// Masked: `ab***@naver.com`, `010-****-5678`.
    pub destination: String,
    pub state: CodeState,
    /// RFC 3339; `None` until sent.
    pub expires_at: Option<String>,
    /// RFC 3339: when 다시 받기 is enabled; `None` until sent.
    pub resend_at: Option<String>,
    pub attempts_left: u32,
    /// With `NotSent`: catalog `verify.reason.<code>` (`rate_limited {seconds}`, `sender_not_configured`, …).
    pub reason: Option<SyncReason>,
    /// With `NotSent` for a cap: when sending may be tried again (RFC 3339).
    pub retry_at: Option<String>,
}

/// The code screen's content: present while codes are asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VerificationView {
    pub purpose: VerificationPurpose,
    /// One per channel that needs a code, e-mail first.
    pub codes: Vec<CodeView>,
}

/// The "is this still right?" card (re-confirm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReconfirmView {
    /// After how many days since `confirmed_at` the card appears; 0: never.
    pub days: u32,
    /// The days come from IT policy (`reconfirm_days`): shown locked.
    pub locked: bool,
    /// RFC 3339: when the employee last registered, changed or kept the info.
    pub confirmed_at: Option<String>,
    /// Show the card now.
    pub due: bool,
}

/// Why a write is waiting or failed: the UI shows the catalog's `sync.reason.<code>` with `params`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncReason {
    pub code: String,
    pub params: BTreeMap<String, String>,
}

impl SyncReason {
    pub fn new(code: &str) -> SyncReason {
        SyncReason {
            code: code.to_string(),
            params: BTreeMap::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> SyncReason {
        self.params.insert(key.to_string(), value.into());
        self
    }
}

/// Why the server could not be asked, told apart because each asks something else of the user:
/// offline, check the network; not answering, wait; cut off, the server was reached but its
/// answer did not arrive whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Unreachable {
    /// No connection: no route, the name did not resolve, or the connection was refused.
    Offline,
    /// Connected, but no answer came in time (a slow VPN, a proxy that drops packets).
    NotAnswering,
    /// An answer started but broke off (the connection reset mid-body, a truncated body).
    CutOff,
}

/// What the status chip shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "snake_case")]
#[allow(
    clippy::large_enum_variant,
    reason = "one short-lived value per overview, built a few times a minute at most: boxing the conflict's two sides would buy nothing"
)]
pub enum SyncStatus {
    /// Synced (`sync.synced`): nothing waits; `at` is when the last write was applied or the state last read.
    Synced { at: Option<String> },
    /// Start-up shows what the local store kept and asks the server for news behind it
    /// (`sync.checking`); nothing waits to be sent.
    Checking,
    /// Nothing waits to be sent, and the server could not be asked (`sync.unreachable`, with
    /// `sync.connection.<why>`): the screen shows what was last read, and it is asked again with
    /// backoff.
    Unreachable { why: Unreachable },
    /// Saved on this computer (`sync.saved_locally`): a draft exists, nothing is submitted.
    SavedLocally,
    /// Waiting to send (`sync.pending`): writes are queued; `retry_at` is when the next attempt is due.
    Pending {
        retry_at: Option<String>,
        reason: Option<SyncReason>,
    },
    /// Error (`sync.error`): a write was refused and needs the user.
    Error { reason: SyncReason },
    /// The server's info changed since the user's version was started: the user chooses. The
    /// server side's time is the overview's `updated_at`.
    Conflict {
        server: Option<MaskedInfo>,
        mine: Option<MaskedInfo>,
        /// RFC 3339: when the change on this computer was made, so the user can tell the two apart.
        #[serde(default)]
        mine_at: Option<String>,
    },
    /// The session could not be renewed: sign in again; the queued writes are kept.
    SignInRequired,
    /// The server asks for the password again before this change or delete (step-up): the write
    /// keeps its place in the outbox until it is entered.
    PasswordRequired,
    /// The OS credential store, which holds the key of the drafts and queued writes, cannot be
    /// read now (`sync.credential_store_unavailable`): everything is kept sealed and nothing is
    /// sent; it is asked again on a timer and by `retry_credential_store`.
    CredentialStoreUnavailable,
}

/// Which credential store holds the token and the draft key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CredentialStoreKind {
    /// Windows Credential Manager, macOS Keychain or the Secret Service.
    Os,
    /// No credential store on this machine: nothing survives a restart.
    Memory,
}

/// Everything a screen needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Overview {
    /// `None`: signed out.
    pub account: Option<Account>,
    pub consent: ConsentView,
    /// Pending, or the notice version changed since the decision.
    pub needs_consent: bool,
    pub info: Option<MaskedInfo>,
    /// The server's `updated_at`.
    pub updated_at: Option<String>,
    pub sync: SyncStatus,
    /// False while the server cannot be reached.
    pub online: bool,
    pub credential_store: CredentialStoreKind,
    /// Codes asked for: the code screen comes before anything else but consent.
    pub verification: Option<VerificationView>,
    /// The re-confirm card's state.
    pub reconfirm: ReconfirmView,
    /// Writes queued while the app was set up for another server (IT changed the server since):
    /// kept sealed and never sent to this one; the user discards them
    /// (`discard_other_server_writes`) or keeps them for when the app is pointed back.
    pub other_server_writes: u32,
    /// The organisation deleted the signed-in account: this PC's copy was wiped, and the sign-in
    /// screen says so (with the helpdesk) until someone signs in again.
    pub account_gone: bool,
}

impl Overview {
    /// Nobody signed in and nothing known: the first overview of a start, and the app's when it
    /// has no service at all.
    pub fn signed_out(online: bool, credential_store: CredentialStoreKind) -> Overview {
        Overview {
            account: None,
            consent: ConsentView::default(),
            needs_consent: false,
            info: None,
            updated_at: None,
            sync: SyncStatus::Synced { at: None },
            online,
            credential_store,
            verification: None,
            reconfirm: ReconfirmView::default(),
            other_server_writes: 0,
            account_gone: false,
        }
    }
}

/// A decision as kept in the local journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReceiptDecision {
    Agreed,
    Refused,
    Withdrawn,
}

impl ReceiptDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptDecision::Agreed => "agreed",
            ReceiptDecision::Refused => "refused",
            ReceiptDecision::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<ReceiptDecision> {
        match s {
            "agreed" => Some(ReceiptDecision::Agreed),
            "refused" => Some(ReceiptDecision::Refused),
            "withdrawn" => Some(ReceiptDecision::Withdrawn),
            _ => None,
        }
    }
}

/// One entry of the consent journal: no e-mail, no phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConsentReceipt {
    pub decision: ReceiptDecision,
    pub decided_at: String,
    pub notice_version: Option<String>,
    pub notice_sha256: Option<String>,
    pub app_version: String,
    pub os: String,
    pub synced: bool,
}

/// The form field that had the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DraftField {
    Email,
    Phone,
    Country,
    Overseas,
}

/// The info form exactly as the user left it: the form's values, and where the caret was. Holds
/// personal data: its `Debug` shows none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Draft {
    #[serde(flatten)]
    pub input: IdentityInput,
    pub focus: Option<DraftField>,
    /// UTF-16 offset in the focused field.
    pub caret: Option<u32>,
}

/// What a submit did: non-empty `field_errors` mean nothing was queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubmitOutcome {
    pub overview: Overview,
    pub field_errors: Vec<FieldError>,
}

/// The user's answer in the conflict dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConflictChoice {
    /// Send my version over the server's.
    Mine,
    /// Keep the server's version and drop mine.
    Server,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sync_status_is_tagged_with_state() {
        let pending = SyncStatus::Pending {
            retry_at: None,
            reason: Some(SyncReason::new("offline")),
        };
        assert_eq!(
            serde_json::to_value(&pending).unwrap(),
            json!({"state": "pending", "retry_at": null, "reason": {"code": "offline", "params": {}}})
        );
        assert_eq!(
            serde_json::to_value(SyncStatus::SignInRequired).unwrap(),
            json!({"state": "sign_in_required"})
        );
        assert_eq!(
            serde_json::to_value(SyncStatus::SavedLocally).unwrap(),
            json!({"state": "saved_locally"})
        );
    }

    #[test]
    fn draft_debug_shows_no_personal_data() {
        let draft = Draft {
            input: IdentityInput {
                email: "seoyeon.lee@naver.com".into(),
                phone: "010-1234-5678".into(),
                ..IdentityInput::default()
            },
            focus: Some(DraftField::Phone),
            caret: Some(4),
        };
        let shown = format!("{draft:?}");
        assert!(
            !shown.contains("seoyeon") && !shown.contains("1234"),
            "{shown}"
        );
        assert_eq!(
            serde_json::to_value(&draft).unwrap()["focus"],
            json!("phone")
        );
    }
}

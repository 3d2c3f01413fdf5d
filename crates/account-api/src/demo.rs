//! `--seed-demo`: the documented demo accounts (docs/api/README.md), one per state the client must
//! handle. Seeding is idempotent: an account that exists is left as it is.

use crate::audit::{self, field_change, Kind};
use crate::auth::hash_password;
use crate::identity::{self, ConsentState, Phone};
use crate::notice::Notice;
use crate::store::StoreError;
use rusqlite::{params, Connection};
use serde_json::json;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Demo-2026!";

/// Where a demo account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoState {
    /// Never decided: the consent screen at first sign-in.
    Pending,
    /// Agreed on the current notice, e-mail and a Korean mobile registered.
    Registered,
    /// Refused.
    Refused,
    /// Agreed, with an overseas (Japanese) mobile and an e-mail.
    Overseas,
    /// Agreed on an older notice version: the client asks again.
    OutdatedConsent,
}

pub struct DemoAccount {
    pub address: &'static str,
    pub display_name: &'static str,
    pub state: DemoState,
}

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        address: "pending@corp.example",
        display_name: "김민준",
        state: DemoState::Pending,
    },
    DemoAccount {
        address: "registered@corp.example",
        display_name: "이서연",
        state: DemoState::Registered,
    },
    DemoAccount {
        address: "refused@corp.example",
        display_name: "박지훈",
        state: DemoState::Refused,
    },
    DemoAccount {
        address: "overseas@corp.example",
        display_name: "Emily Carter",
        state: DemoState::Overseas,
    },
    DemoAccount {
        address: "outdated@corp.example",
        display_name: "최유진",
        state: DemoState::OutdatedConsent,
    },
];

/// The notice version the `OutdatedConsent` account agreed to.
pub const OLD_NOTICE_VERSION: &str = "2025-01-01";

/// Creates the demo accounts that do not exist yet.
pub fn seed(conn: &mut Connection, notice: &Notice, now: &str) -> Result<(), StoreError> {
    for demo in DEMO_ACCOUNTS {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE address = ?1)",
            [demo.address],
            |r| r.get(0),
        )?;
        if exists {
            continue;
        }
        let hash = hash_password(DEMO_PASSWORD)?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO accounts (address, display_name, organisation, password_hash)
             VALUES (?1, ?2, '데모 주식회사 (Demo Corp.)', ?3)",
            params![demo.address, demo.display_name, hash],
        )?;
        let id = tx.last_insert_rowid();
        identity::create(&tx, id, now)?;
        let ko_hash = notice.sha256(crate::notice::Locale::Ko).to_string();
        let (consent, version, info) = match demo.state {
            DemoState::Pending => (None, None, None),
            DemoState::Refused => (
                Some(ConsentState::Refused),
                Some(notice.version.as_str()),
                None,
            ),
            DemoState::Registered => (
                Some(ConsentState::Agreed),
                Some(notice.version.as_str()),
                Some((
                    "seoyeon.lee@naver.com",
                    Phone {
                        e164: "+821012345678".into(),
                        country: "KR".into(),
                        overseas: false,
                    },
                )),
            ),
            DemoState::Overseas => (
                Some(ConsentState::Agreed),
                Some(notice.version.as_str()),
                Some((
                    "emily.carter@gmail.com",
                    Phone {
                        e164: "+819012345678".into(),
                        country: "JP".into(),
                        overseas: true,
                    },
                )),
            ),
            DemoState::OutdatedConsent => (
                Some(ConsentState::Agreed),
                Some(OLD_NOTICE_VERSION),
                Some((
                    "yujin.choi@daum.net",
                    Phone {
                        e164: "+821098765432".into(),
                        country: "KR".into(),
                        overseas: false,
                    },
                )),
            ),
        };
        if let (Some(consent), Some(version)) = (consent, version) {
            identity::set_consent(&tx, id, consent, version, &ko_hash, now)?;
            let kind = match consent {
                ConsentState::Refused => Kind::ConsentRefused,
                _ => Kind::ConsentAgreed,
            };
            audit::record(&tx, id, now, "seed-demo", kind, Some(version), json!({}))?;
        }
        if let Some((email, phone)) = info {
            // Registered before ownership codes: confirmed, never verified.
            let never = identity::VerifiedAt::default();
            identity::set_info(&tx, id, Some(email), Some(&phone), &never, now)?;
            let salt: Vec<u8> = tx.query_row(
                "SELECT audit_salt FROM identity WHERE account_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            audit::record(
                &tx,
                id,
                now,
                "seed-demo",
                Kind::InfoRegistered,
                version,
                json!({
                    "email": field_change(&salt, "email", None, Some(email)),
                    "phone": field_change(&salt, "phone", None, Some(&phone.e164)),
                    "phone_country": phone.country,
                    "phone_overseas": phone.overseas,
                }),
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}

/// Creates one account (tests use it for accounts of their own).
pub fn create_account(
    conn: &Connection,
    address: &str,
    display_name: &str,
    password: &str,
    now: &str,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO accounts (address, display_name, organisation, password_hash) VALUES (?1, ?2, ?3, ?4)",
        params![address, display_name, "Test Corp.", hash_password(password)?],
    )?;
    let id = conn.last_insert_rowid();
    identity::create(conn, id, now)?;
    Ok(id)
}

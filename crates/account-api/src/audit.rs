//! The append-only audit log: every consent decision, registration, change and deletion, with the
//! account, the time, the client (its User-Agent), the kind and the notice version.
//!
//! It never holds a raw e-mail address or phone number. A value appears only as a hash salted with
//! a per-account secret that is replaced when the info is destroyed, so an auditor can tell "the
//! same value" from "another value" while the info exists, and nothing at all once it is gone.
//! Triggers in the schema refuse UPDATE and DELETE on the table.

use crate::random::{hex, salted_hash};
use crate::store::StoreError;
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    ConsentAgreed,
    ConsentRefused,
    ConsentWithdrawn,
    InfoRegistered,
    InfoChanged,
    InfoDeleted,
    /// The employee confirmed the info is still right.
    Reconfirm,
    /// IT deleted the account (and with it the info).
    AccountDeleted,
    /// A call to an admin route (account 0: it is about no account).
    AdminCall,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ConsentAgreed => "consent_agreed",
            Kind::ConsentRefused => "consent_refused",
            Kind::ConsentWithdrawn => "consent_withdrawn",
            Kind::InfoRegistered => "info_registered",
            Kind::InfoChanged => "info_changed",
            Kind::InfoDeleted => "info_deleted",
            Kind::Reconfirm => "reconfirm",
            Kind::AccountDeleted => "account_deleted",
            Kind::AdminCall => "admin_call",
        }
    }
}

/// One entry, as `/_test/audit` shows it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Entry {
    pub id: i64,
    pub account_id: i64,
    pub at: String,
    pub client: String,
    pub kind: String,
    pub notice_version: Option<String>,
    pub detail: Value,
}

/// Appends an entry.
pub fn record(
    conn: &Connection,
    account_id: i64,
    at: &str,
    client: &str,
    kind: Kind,
    notice_version: Option<&str>,
    detail: Value,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO audit (account_id, at, client, kind, notice_version, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            account_id,
            at,
            client,
            kind.as_str(),
            notice_version,
            detail.to_string()
        ],
    )?;
    Ok(())
}

/// How one field changed, with a salted hash of the new value (never the value).
pub fn field_change(salt: &[u8], field: &str, old: Option<&str>, new: Option<&str>) -> Value {
    let op = match (old, new) {
        (None, None) => "absent",
        (None, Some(_)) => "set",
        (Some(_), None) => "cleared",
        (Some(a), Some(b)) if a == b => "unchanged",
        (Some(_), Some(_)) => "changed",
    };
    match new {
        Some(value) => json!({
            "op": op,
            "salted_sha256": hex(&salted_hash(salt, &[field.as_bytes(), value.as_bytes()])),
        }),
        None => json!({ "op": op }),
    }
}

/// Every entry, oldest first.
pub fn entries(conn: &Connection) -> Result<Vec<Entry>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, account_id, at, client, kind, notice_version, detail FROM audit ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let detail: String = r.get(6)?;
        Ok(Entry {
            id: r.get(0)?,
            account_id: r.get(1)?,
            at: r.get(2)?,
            client: r.get(3)?,
            kind: r.get(4)?,
            notice_version: r.get(5)?,
            detail: serde_json::from_str(&detail).unwrap_or(Value::Null),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The client as the audit log names it: the User-Agent, printable ASCII only, at most 200 chars.
pub fn client_name(user_agent: Option<&str>) -> String {
    let name: String = user_agent
        .unwrap_or("unknown")
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(200)
        .collect();
    if name.trim().is_empty() {
        "unknown".to_string()
    } else {
        name
    }
}

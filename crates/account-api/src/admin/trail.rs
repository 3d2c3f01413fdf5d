//! The audit trail as an auditor reads it: consent decisions, registrations, changes, deletions,
//! account deletions and admin calls, filtered by time and kind, a page at a time.
//!
//! Each entry carries its time, kind, the app version that made it (the first token of its
//! User-Agent), the notice version, and a keyed reference of the account
//! ([`super::account_reference`]): the same account has the same reference throughout, and the
//! reference says nothing about who it is. The stored details are reduced to what happened
//! (`set`, `changed`, `cleared`; whether info existed): no value, no hash of one, no country.

use crate::store::StoreError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rusqlite::{params_from_iter, types::Value as Sql, Connection};
use serde::Serialize;
use serde_json::{Map, Value};

/// What happened to employees' info and accounts, in the order of the report's per-day fields.
pub const EMPLOYEE_KINDS: [&str; 8] = [
    "consent_agreed",
    "consent_refused",
    "consent_withdrawn",
    "info_registered",
    "info_changed",
    "info_deleted",
    "reconfirm",
    "account_deleted",
];

/// An administrator's call or command (recorded, never counted in the report).
const ADMIN_KIND: &str = "admin_call";

/// Whether the trail can be filtered by `kind`.
fn is_kind(kind: &str) -> bool {
    kind == ADMIN_KIND || EMPLOYEE_KINDS.contains(&kind)
}

/// The most entries one page holds, and the default.
pub const MAX_LIMIT: u32 = 500;
pub const DEFAULT_LIMIT: u32 = 100;

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Entries at or after this time (RFC 3339, UTC, as the log writes it).
    pub from: Option<String>,
    /// Entries before this time.
    pub to: Option<String>,
    /// Only these kinds (all when empty).
    pub kinds: Vec<String>,
    /// Where the previous page ended ([`Page::next_cursor`]).
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Why a filter was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FilterError {
    #[error("unknown kind; the kinds are {}, {ADMIN_KIND}", EMPLOYEE_KINDS.join(", "))]
    UnknownKind,
    #[error("times are RFC 3339, e.g. 2026-12-01T00:00:00Z")]
    BadTime,
    #[error("the cursor is not one this server gave")]
    BadCursor,
    #[error("limit is 1 to 500")]
    BadLimit,
}

/// One entry.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Entry {
    pub at: String,
    pub kind: String,
    /// `null` for admin calls (they are about no account).
    pub account_ref: Option<String>,
    pub app_version: String,
    pub notice_version: Option<String>,
    pub detail: Value,
}

/// A page of entries, oldest first; `next_cursor` is `null` on the last page.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Page {
    pub entries: Vec<Entry>,
    pub next_cursor: Option<String>,
}

fn parse_time(text: &str) -> Result<String, FilterError> {
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| FilterError::BadTime)?;
    Ok(crate::clock::rfc3339(at.to_offset(time::UtcOffset::UTC)))
}

fn cursor_id(cursor: &str) -> Result<i64, FilterError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| FilterError::BadCursor)?;
    let text = String::from_utf8(bytes).map_err(|_| FilterError::BadCursor)?;
    text.strip_prefix("after:")
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or(FilterError::BadCursor)
}

fn make_cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("after:{id}"))
}

/// Checks a filter before anything is read.
pub fn check(filter: &Filter) -> Result<(), FilterError> {
    if filter.kinds.iter().any(|k| !is_kind(k)) {
        return Err(FilterError::UnknownKind);
    }
    if let Some(limit) = filter.limit {
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(FilterError::BadLimit);
        }
    }
    for time in [&filter.from, &filter.to].into_iter().flatten() {
        parse_time(time)?;
    }
    if let Some(cursor) = &filter.cursor {
        cursor_id(cursor)?;
    }
    Ok(())
}

/// Why a page could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TrailError {
    #[error(transparent)]
    Filter(#[from] FilterError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for TrailError {
    fn from(e: rusqlite::Error) -> Self {
        TrailError::Store(e.into())
    }
}

/// One page of the trail under `filter`.
pub fn page(conn: &Connection, filter: &Filter) -> Result<Page, TrailError> {
    check(filter)?;
    let limit = filter.limit.unwrap_or(DEFAULT_LIMIT);
    let mut sql = String::from(
        "SELECT id, account_id, at, client, kind, notice_version, detail FROM audit WHERE id > ?1",
    );
    let after = filter.cursor.as_deref().map(cursor_id).transpose()?;
    let mut args: Vec<Sql> = vec![Sql::Integer(after.unwrap_or(0))];
    if let Some(from) = &filter.from {
        args.push(Sql::Text(parse_time(from)?));
        sql.push_str(&format!(" AND at >= ?{}", args.len()));
    }
    if let Some(to) = &filter.to {
        args.push(Sql::Text(parse_time(to)?));
        sql.push_str(&format!(" AND at < ?{}", args.len()));
    }
    if !filter.kinds.is_empty() {
        let mut marks = Vec::new();
        for kind in &filter.kinds {
            args.push(Sql::Text(kind.clone()));
            marks.push(format!("?{}", args.len()));
        }
        sql.push_str(&format!(" AND kind IN ({})", marks.join(", ")));
    }
    // One more than the page, to know whether another follows.
    args.push(Sql::Integer(i64::from(limit) + 1));
    sql.push_str(&format!(" ORDER BY id LIMIT ?{}", args.len()));
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let rows: Vec<_> = rows.collect::<Result<_, _>>()?;
    let more = rows.len() > limit as usize;
    let mut entries = Vec::new();
    let mut last = None;
    for (id, account_id, at, client, kind, notice_version, detail) in
        rows.into_iter().take(limit as usize)
    {
        let account_ref = match account_id {
            0 => None,
            id => Some(super::account_reference(conn, id)?),
        };
        entries.push(Entry {
            at,
            kind,
            account_ref,
            app_version: client
                .split_whitespace()
                .next()
                .unwrap_or("unknown")
                .to_string(),
            notice_version,
            detail: reduce(&serde_json::from_str(&detail).unwrap_or(Value::Null)),
        });
        last = Some(id);
    }
    Ok(Page {
        entries,
        next_cursor: last.filter(|_| more).map(make_cursor),
    })
}

/// What the trail shows of a stored detail: what happened, never a value or a hash of one.
fn reduce(detail: &Value) -> Value {
    let mut out = Map::new();
    for field in ["email", "phone"] {
        if let Some(op) = detail.get(field).and_then(|f| f.get("op")) {
            out.insert(field.to_string(), op.clone());
        }
    }
    for field in ["had_email", "had_phone", "by", "token", "action", "status"] {
        if let Some(value) = detail.get(field) {
            out.insert(field.to_string(), value.clone());
        }
    }
    Value::Object(out)
}

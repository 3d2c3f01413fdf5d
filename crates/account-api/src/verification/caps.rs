//! The send caps: how many codes may go out per account, per destination (the normalized address
//! or E.164 number, as a keyed hash) and per client address, per hour and per day. SMS costs the
//! customer money and a code is a message to a person who may not have asked for it.
//!
//! A send is reserved in the same transaction that checks the caps, on the one database
//! connection, so parallel requests cannot overshoot: the 6th of 50 simultaneous starts already
//! sees the 5 before it. A send the relay refused still counts: it bounds what a caller who keeps
//! causing failures can cost.

use crate::store::StoreError;
use rusqlite::{params, Connection};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// One cap: sends per rolling hour and per rolling day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    pub per_hour: u32,
    pub per_day: u32,
}

/// The caps of every key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendCaps {
    pub per_account: Cap,
    pub per_destination: Cap,
    pub per_client: Cap,
}

impl Default for SendCaps {
    /// Account and destination 5 an hour, 10 a day: enough for typos and a lost message; client
    /// address 30 an hour, 100 a day: a company's offices share a few addresses behind NAT.
    fn default() -> Self {
        SendCaps {
            per_account: Cap {
                per_hour: 5,
                per_day: 10,
            },
            per_destination: Cap {
                per_hour: 5,
                per_day: 10,
            },
            per_client: Cap {
                per_hour: 30,
                per_day: 100,
            },
        }
    }
}

/// Who a send is for.
pub struct SendKey<'a> {
    pub account_id: i64,
    pub destination_hash: &'a [u8],
    pub client_hash: &'a [u8],
}

/// Reserves one send for `key` at `now`, or answers how many seconds to wait when a cap is full.
pub fn reserve(
    conn: &Connection,
    caps: &SendCaps,
    now: i64,
    key: &SendKey<'_>,
) -> Result<Result<(), u64>, StoreError> {
    conn.execute("DELETE FROM verification_sends WHERE at <= ?1", [now - DAY])?;
    let mut wait: Option<i64> = None;
    let checks: [(&str, rusqlite::types::Value, Cap); 3] = [
        ("account_id", key.account_id.into(), caps.per_account),
        (
            "destination_hash",
            key.destination_hash.to_vec().into(),
            caps.per_destination,
        ),
        (
            "client_hash",
            key.client_hash.to_vec().into(),
            caps.per_client,
        ),
    ];
    for (column, value, cap) in checks {
        for (window, limit) in [(HOUR, cap.per_hour), (DAY, cap.per_day)] {
            // The `limit`-th newest send in the window: while it is in the window, the cap is full,
            // and it leaves the window at its time + window.
            let sql = format!(
                "SELECT at FROM verification_sends WHERE {column} = ?1 AND at > ?2
                 ORDER BY at DESC LIMIT 1 OFFSET ?3"
            );
            let blocking: Option<i64> = conn
                .query_row(
                    &sql,
                    params![value, now - window, i64::from(limit.max(1)) - 1],
                    |r| r.get(0),
                )
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    other => Err(other),
                })?;
            if let Some(at) = blocking {
                let until = at + window - now;
                wait = Some(wait.map_or(until, |w| w.max(until)));
            }
        }
    }
    if let Some(wait) = wait {
        return Ok(Err(wait.max(1) as u64));
    }
    conn.execute(
        "INSERT INTO verification_sends (at, account_id, destination_hash, client_hash)
         VALUES (?1, ?2, ?3, ?4)",
        params![now, key.account_id, key.destination_hash, key.client_hash],
    )?;
    Ok(Ok(()))
}

//! The registration report: how many employees agreed, refused, registered and verified, in total
//! and per day, with counts only.
//!
//! No address, number, name or hash of them is read into it. Small groups are not broken down, so
//! that no one is singled out ([`MIN_GROUP`]):
//! - with fewer than 5 accounts in all, only the number of accounts is shown;
//! - a count between 1 and 4 is suppressed (`null` in JSON, `suppressed` in CSV);
//! - the consent counts add up to the accounts, so when any is suppressed the next smallest are
//!   suppressed too, until the suppressed counts are at least two and together at least 5: none
//!   can be worked out by subtraction;
//! - a registered/verified/overseas count is suppressed when it, or what it leaves of the group it
//!   is part of (accounts; registered e-mails or phones), is between 1 and 4, or when that group
//!   itself is suppressed;
//! - a day on which fewer than 5 accounts did anything shows no breakdown at all.

use crate::store::StoreError;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, Duration};

/// The smallest group the report breaks down.
pub const MIN_GROUP: u64 = 5;
/// The longest range of days one report covers.
pub const MAX_DAYS: i64 = 366;

/// Where the accounts stand now.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Totals {
    pub accounts: u64,
    pub consent_agreed: Option<u64>,
    pub consent_refused: Option<u64>,
    /// Not decided yet.
    pub consent_pending: Option<u64>,
    pub consent_withdrawn: Option<u64>,
    pub email_registered: Option<u64>,
    pub email_verified: Option<u64>,
    pub phone_registered: Option<u64>,
    pub phone_verified: Option<u64>,
    /// Registered phone numbers outside Korea.
    pub phone_overseas: Option<u64>,
}

/// How many accounts did each thing on one day (UTC).
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Day {
    pub date: String,
    /// Accounts that did anything that day.
    pub accounts_active: Option<u64>,
    pub consent_agreed: Option<u64>,
    pub consent_refused: Option<u64>,
    pub consent_withdrawn: Option<u64>,
    pub info_registered: Option<u64>,
    pub info_changed: Option<u64>,
    pub info_deleted: Option<u64>,
    pub reconfirmed: Option<u64>,
    pub accounts_deleted: Option<u64>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Report {
    pub generated_at: String,
    pub min_group: u64,
    pub from: String,
    pub to: String,
    pub totals: Totals,
    pub days: Vec<Day>,
}

/// The days a report covers, both ends included.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: Date,
    pub to: Date,
}

/// Why a range was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RangeError {
    #[error("dates are written YYYY-MM-DD")]
    BadDate,
    #[error("`from` is after `to`")]
    Reversed,
    #[error("a report covers at most 366 days")]
    TooLong,
}

impl Range {
    /// The range from the optional `from` and `to` (YYYY-MM-DD): by default the 30 days up to
    /// `today`.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: Date) -> Result<Range, RangeError> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let date = |text: &str| Date::parse(text, &format).map_err(|_| RangeError::BadDate);
        let to = to.map(date).transpose()?.unwrap_or(today);
        let from = from
            .map(date)
            .transpose()?
            .unwrap_or(to - Duration::days(29));
        if from > to {
            return Err(RangeError::Reversed);
        }
        if (to - from).whole_days() >= MAX_DAYS {
            return Err(RangeError::TooLong);
        }
        Ok(Range { from, to })
    }
}

fn day_text(date: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).unwrap_or_default()
}

/// Builds the report for `range` as of `now`.
pub fn build(conn: &Connection, range: Range, now: &str) -> Result<Report, StoreError> {
    Ok(Report {
        generated_at: now.to_string(),
        min_group: MIN_GROUP,
        from: day_text(range.from),
        to: day_text(range.to),
        totals: totals(conn)?,
        days: days(conn, range)?,
    })
}

fn totals(conn: &Connection) -> Result<Totals, StoreError> {
    let raw: [u64; 10] = conn.query_row(
        "SELECT COUNT(*),
                COALESCE(SUM(i.consent = 'agreed'), 0), COALESCE(SUM(i.consent = 'refused'), 0),
                COALESCE(SUM(i.consent = 'pending'), 0), COALESCE(SUM(i.consent = 'withdrawn'), 0),
                COALESCE(SUM(i.email IS NOT NULL), 0),
                COALESCE(SUM(i.email IS NOT NULL AND i.email_verified_at IS NOT NULL), 0),
                COALESCE(SUM(i.phone_e164 IS NOT NULL), 0),
                COALESCE(SUM(i.phone_e164 IS NOT NULL AND i.phone_verified_at IS NOT NULL), 0),
                COALESCE(SUM(i.phone_e164 IS NOT NULL AND i.phone_overseas = 1), 0)
         FROM accounts a JOIN identity i ON i.account_id = a.id
         WHERE a.deleted_at IS NULL",
        [],
        |r| {
            let mut out = [0u64; 10];
            for (index, slot) in out.iter_mut().enumerate() {
                *slot = r.get::<_, i64>(index)?.max(0) as u64;
            }
            Ok(out)
        },
    )?;
    let [accounts, agreed, refused, pending, withdrawn, email, email_verified, phone, phone_verified, overseas] =
        raw;
    if accounts < MIN_GROUP {
        return Ok(Totals {
            accounts,
            consent_agreed: None,
            consent_refused: None,
            consent_pending: None,
            consent_withdrawn: None,
            email_registered: None,
            email_verified: None,
            phone_registered: None,
            phone_verified: None,
            phone_overseas: None,
        });
    }
    let consent = suppress_partition(&[agreed, refused, pending, withdrawn]);
    let email_shown = suppress_part(Some(accounts), email);
    let phone_shown = suppress_part(Some(accounts), phone);
    Ok(Totals {
        accounts,
        consent_agreed: consent[0],
        consent_refused: consent[1],
        consent_pending: consent[2],
        consent_withdrawn: consent[3],
        email_registered: email_shown,
        email_verified: suppress_part(email_shown, email_verified),
        phone_registered: phone_shown,
        phone_verified: suppress_part(phone_shown, phone_verified),
        phone_overseas: suppress_part(phone_shown, overseas),
    })
}

/// True for a count that would single someone out.
fn small(count: u64) -> bool {
    (1..MIN_GROUP).contains(&count)
}

/// The counts of a breakdown that adds up to a shown total, with small ones suppressed and, when
/// any is, the next smallest too until the suppressed ones are at least two and at least 5 in all.
pub fn suppress_partition(counts: &[u64]) -> Vec<Option<u64>> {
    let mut hidden: Vec<bool> = counts.iter().map(|c| small(*c)).collect();
    loop {
        let hidden_count = hidden.iter().filter(|h| **h).count();
        let hidden_sum: u64 = counts
            .iter()
            .zip(&hidden)
            .filter(|(_, h)| **h)
            .map(|(c, _)| c)
            .sum();
        if hidden_count == 0 || (hidden_count >= 2 && hidden_sum >= MIN_GROUP) {
            break;
        }
        let next = counts
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden[*i])
            .min_by_key(|(_, c)| **c)
            .map(|(i, _)| i);
        match next {
            Some(i) => hidden[i] = true,
            None => break,
        }
    }
    counts
        .iter()
        .zip(hidden)
        .map(|(c, h)| (!h).then_some(*c))
        .collect()
}

/// A count of part of a group: shown only when the group is, and neither the part nor the rest of
/// the group is small.
pub fn suppress_part(group: Option<u64>, part: u64) -> Option<u64> {
    let group = group?;
    (!small(part) && !small(group.saturating_sub(part))).then_some(part)
}

/// The audit kinds counted per day, in the order of [`Day`]'s fields.
const DAY_KINDS: [&str; 8] = super::trail::EMPLOYEE_KINDS;

fn days(conn: &Connection, range: Range) -> Result<Vec<Day>, StoreError> {
    // Audit times are RFC 3339 in UTC: their first ten characters are the day.
    let (from, until) = (day_text(range.from), day_text(range.to + Duration::days(1)));
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT substr(at, 1, 10), kind, COUNT(DISTINCT account_id) FROM audit
         WHERE account_id != 0 AND at >= ?1 AND at < ?2 GROUP BY 1, 2
         UNION ALL
         SELECT substr(at, 1, 10), '*', COUNT(DISTINCT account_id) FROM audit
         WHERE account_id != 0 AND at >= ?1 AND at < ?2 GROUP BY 1",
    )?;
    let rows = stmt.query_map(params![from, until], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (day, kind, count) = row?;
        counts.insert((day, kind), count.max(0) as u64);
    }
    let mut out = Vec::new();
    let mut date = range.from;
    while date <= range.to {
        let day = day_text(date);
        let count = |kind: &str| {
            counts
                .get(&(day.clone(), kind.to_string()))
                .copied()
                .unwrap_or(0)
        };
        let active = count("*");
        let cell = |kind: &str| {
            let n = count(kind);
            (!small(active) && !small(n)).then_some(n)
        };
        let [agreed, refused, withdrawn, registered, changed, deleted, reconfirmed, gone] =
            DAY_KINDS.map(cell);
        out.push(Day {
            accounts_active: (!small(active)).then_some(active),
            consent_agreed: agreed,
            consent_refused: refused,
            consent_withdrawn: withdrawn,
            info_registered: registered,
            info_changed: changed,
            info_deleted: deleted,
            reconfirmed,
            accounts_deleted: gone,
            date: day,
        });
        date += Duration::days(1);
    }
    Ok(out)
}

/// The report as CSV, one count per line (`period,metric,count`): `total` or the day, the metric
/// named as in the JSON, and the count or `suppressed`.
pub fn to_csv(report: &Report) -> String {
    let mut out = String::from("period,metric,count\r\n");
    let mut line = |period: &str, metric: &str, count: Option<u64>| {
        let count = count.map_or_else(|| "suppressed".to_string(), |c| c.to_string());
        out.push_str(&format!("{period},{metric},{count}\r\n"));
    };
    for (metric, count) in fields(&report.totals) {
        line("total", &metric, count);
    }
    for day in &report.days {
        for (metric, count) in fields(day) {
            if metric != "date" {
                line(&day.date, &metric, count);
            }
        }
    }
    out
}

/// The numeric fields of a serialisable row, in order, by their JSON names.
fn fields<T: Serialize>(row: &T) -> Vec<(String, Option<u64>)> {
    match serde_json::to_value(row) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter(|(_, v)| v.is_null() || v.is_u64())
            .map(|(k, v)| (k, v.as_u64()))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_small_count_takes_the_next_smallest_with_it() {
        assert_eq!(
            suppress_partition(&[20, 3, 0, 9]),
            [Some(20), None, None, None],
            "3 + 0 is below 5, so 9 goes too"
        );
        assert_eq!(
            suppress_partition(&[20, 3, 7, 9]),
            [Some(20), None, None, Some(9)]
        );
        assert_eq!(suppress_partition(&[6, 1, 0, 0]), [None, None, None, None]);
        assert_eq!(
            suppress_partition(&[10, 5, 0, 7]),
            [Some(10), Some(5), Some(0), Some(7)]
        );
    }

    #[test]
    fn a_part_is_hidden_when_it_or_its_rest_is_small() {
        assert_eq!(suppress_part(Some(20), 17), None);
        assert_eq!(suppress_part(Some(20), 3), None);
        assert_eq!(suppress_part(Some(20), 15), Some(15));
        assert_eq!(suppress_part(Some(20), 20), Some(20));
        assert_eq!(suppress_part(Some(20), 0), Some(0));
        assert_eq!(suppress_part(None, 15), None);
    }

    #[test]
    fn ranges_default_to_thirty_days_and_refuse_nonsense() {
        let today = time::macros::date!(2026 - 12 - 07);
        let range = Range::parse(None, None, today).unwrap();
        assert_eq!(day_text(range.from), "2026-11-08");
        assert_eq!(
            Range::parse(Some("2026-12-08"), Some("2026-12-07"), today).unwrap_err(),
            RangeError::Reversed
        );
        assert_eq!(
            Range::parse(Some("2025-01-01"), None, today).unwrap_err(),
            RangeError::TooLong
        );
        assert_eq!(
            Range::parse(Some("12/07/2026"), None, today).unwrap_err(),
            RangeError::BadDate
        );
    }
}

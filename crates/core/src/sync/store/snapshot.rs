//! The cached server view for the offline overview (masked values only) and the cached notice
//! (not personal).

use super::StoreError;
use crate::sync::types::{Account, ConsentView, MaskedInfo, Notice};
use rusqlite::{params, Connection, OptionalExtension};

/// What the app last knew of the server.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub account: Option<Account>,
    pub consent: Option<ConsentView>,
    pub info: Option<MaskedInfo>,
    pub updated_at: Option<String>,
    pub etag: Option<String>,
    pub synced_at: Option<String>,
    /// The notice in force as the server last said (`Identity.current_notice_version`).
    pub current_notice_version: Option<String>,
    /// RFC 3339: when the info was last registered, changed or kept.
    pub confirmed_at: Option<String>,
    /// The server's re-confirm setting in days; 0 is off.
    pub reconfirm_days: u32,
}

fn json<T: serde::Serialize>(value: &Option<T>) -> Result<Option<String>, StoreError> {
    value
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| StoreError::Corrupt("snapshot"))
}

fn parse<T: serde::de::DeserializeOwned>(text: Option<String>) -> Option<T> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

pub fn get(conn: &Connection) -> Result<Snapshot, StoreError> {
    let row = conn
        .query_row(
            "SELECT account, consent, info, updated_at, etag, synced_at, current_notice_version,
                 confirmed_at, reconfirm_days FROM snapshot WHERE id = 1",
            [],
            |r| {
                Ok((
                    (
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ),
                    (r.get(3)?, r.get(4)?, r.get(5)?),
                    (r.get(6)?, r.get(7)?, r.get::<_, i64>(8)?),
                ))
            },
        )
        .optional()?;
    Ok(match row {
        Some((
            (account, consent, info),
            (updated_at, etag, synced_at),
            (current_notice_version, confirmed_at, reconfirm_days),
        )) => Snapshot {
            account: parse(account),
            consent: parse(consent),
            info: parse(info),
            updated_at,
            etag,
            synced_at,
            current_notice_version,
            confirmed_at,
            reconfirm_days: u32::try_from(reconfirm_days).unwrap_or(0),
        },
        None => Snapshot::default(),
    })
}

pub fn put(conn: &Connection, snapshot: &Snapshot) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO snapshot (id, account, consent, info, updated_at, etag, synced_at,
             current_notice_version, confirmed_at, reconfirm_days)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET account = ?1, consent = ?2, info = ?3, updated_at = ?4,
             etag = ?5, synced_at = ?6, current_notice_version = ?7, confirmed_at = ?8,
             reconfirm_days = ?9",
        params![
            json(&snapshot.account)?,
            json(&snapshot.consent)?,
            json(&snapshot.info)?,
            snapshot.updated_at,
            snapshot.etag,
            snapshot.synced_at,
            snapshot.current_notice_version,
            snapshot.confirmed_at,
            i64::from(snapshot.reconfirm_days)
        ],
    )?;
    Ok(())
}

/// Forgets the server view (sign-out).
pub fn clear(conn: &Connection) -> Result<(), StoreError> {
    conn.execute("DELETE FROM snapshot", [])?;
    Ok(())
}

pub fn put_notice(conn: &Connection, notice: &Notice) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO notice_cache (locale, version, text, sha256) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (locale) DO UPDATE SET version = ?2, text = ?3, sha256 = ?4",
        params![
            notice.locale.tag(),
            notice.version,
            notice.text,
            notice.sha256
        ],
    )?;
    Ok(())
}

pub fn notice(
    conn: &Connection,
    locale: crate::locale::Locale,
) -> Result<Option<Notice>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT version, text, sha256 FROM notice_cache WHERE locale = ?1",
            [locale.tag()],
            |r| {
                Ok(Notice {
                    version: r.get(0)?,
                    locale,
                    text: r.get(1)?,
                    sha256: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// The version of any cached notice (both locales share it).
pub fn notice_version(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT version FROM notice_cache LIMIT 1", [], |r| r.get(0))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::store::temp_store;

    #[test]
    fn the_snapshot_round_trips() {
        let (_dir, store) = temp_store();
        store
            .call_sync(|c| {
                assert_eq!(get(c)?, Snapshot::default());
                let snap = Snapshot {
                    info: Some(MaskedInfo {
                        email: Some("ab***@naver.com".into()),
                        ..MaskedInfo::default()
                    }),
                    etag: Some("\"e\"".into()),
                    current_notice_version: Some("2027-01-01".into()),
                    reconfirm_days: 180,
                    ..Snapshot::default()
                };
                put(c, &snap)?;
                assert_eq!(get(c)?, snap);
                clear(c)?;
                assert_eq!(get(c)?, Snapshot::default());
                Ok(())
            })
            .unwrap();
    }
}

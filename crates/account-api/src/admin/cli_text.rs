//! What `account-api admin` prints: for people in Korean or English from the catalog
//! (`admin_cli.*` in `locales/`), or with `--json` the same JSON the admin routes answer, for
//! scripts. Printed text is collected first, so that tests read exactly what a terminal shows.

use super::deletion::Deleted;
use super::report::{RangeError, Report};
use super::tokens::{Created, TokenError, TokenInfo};
use super::trail::{FilterError, Page};
use mail_identity_core::locale::Locale;
use rust_i18n::t;
use serde::Serialize;

/// The output of one command.
pub struct Out {
    pub locale: Locale,
    pub json: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn new(locale: Locale, json: bool) -> Out {
        Out {
            locale,
            json,
            stdout: String::new(),
            stderr: String::new(),
        }
    }

    pub fn line(&mut self, text: String) {
        self.stdout.push_str(&text);
        self.stdout.push('\n');
    }

    pub fn raw(&mut self, text: String) {
        self.stdout.push_str(&text);
    }

    pub fn error(&mut self, text: String) {
        self.stderr.push_str(&text);
        self.stderr.push('\n');
    }

    /// A database failure: said, with SQLite's message (it names no bound value); exit status 1.
    pub fn failed(&mut self, error: &dyn std::fmt::Display) -> u8 {
        let detail = error.to_string();
        self.error(
            t!(
                "admin_cli.error.database",
                locale = self.locale.tag(),
                value = detail
            )
            .to_string(),
        );
        1
    }

    fn json_of<T: Serialize>(&mut self, value: &T) {
        let text = serde_json::to_string_pretty(value).unwrap_or_default();
        self.line(text);
    }

    fn text(&self, key: &str) -> String {
        t!(key, locale = self.locale.tag()).to_string()
    }

    fn text_with(&self, key: &str, value: &str) -> String {
        t!(key, locale = self.locale.tag(), value = value).to_string()
    }
}

fn yes_no(out: &Out, yes: bool) -> String {
    out.text(if yes {
        "admin_cli.answer_yes"
    } else {
        "admin_cli.answer_no"
    })
}

pub fn created(out: &mut Out, created: &Created) {
    if out.json {
        return out.json_of(created);
    }
    out.line(out.text("admin_cli.token.created"));
    out.line(format!("  id: {}", created.info.id));
    out.line(format!("  scopes: {}", created.info.scopes.join(" ")));
    out.line(format!("  token: {}", created.token));
}

pub fn token_list(out: &mut Out, tokens: &[TokenInfo]) {
    if out.json {
        return out.json_of(&tokens);
    }
    if tokens.is_empty() {
        return out.line(out.text("admin_cli.token.none"));
    }
    for token in tokens {
        let state = match (&token.revoked_at, &token.last_used_at) {
            (Some(at), _) => out.text_with("admin_cli.token.revoked_at", at),
            (None, Some(at)) => out.text_with("admin_cli.token.last_used", at),
            (None, None) => out.text("admin_cli.token.never_used"),
        };
        out.line(format!(
            "{}  {}  [{}]  {}  {}",
            token.id,
            token.name,
            token.scopes.join(" "),
            token.created_at,
            state
        ));
    }
}

pub fn revoked(out: &mut Out, id: &str) {
    if out.json {
        return out.json_of(&serde_json::json!({ "id": id, "revoked": true }));
    }
    out.line(out.text_with("admin_cli.token.revoked", id));
}

pub fn deleted(out: &mut Out, deleted: &Deleted) {
    if out.json {
        return out.json_of(deleted);
    }
    out.line(out.text("admin_cli.deleted.done"));
    let rows = [
        ("admin_cli.deleted.email", yes_no(out, deleted.had_email)),
        ("admin_cli.deleted.phone", yes_no(out, deleted.had_phone)),
        (
            "admin_cli.deleted.sessions",
            deleted.sessions_ended.to_string(),
        ),
        ("admin_cli.deleted.reference", deleted.account_ref.clone()),
    ];
    for (key, value) in rows {
        out.line(format!("  {}: {value}", out.text(key)));
    }
}

pub fn report(out: &mut Out, report: &Report) {
    if out.json {
        return out.json_of(report);
    }
    let suppressed = out.text("admin_cli.report.suppressed");
    let show = |n: Option<u64>| n.map_or_else(|| suppressed.clone(), |n| n.to_string());
    let totals = &report.totals;
    out.line(out.text_with(
        "admin_cli.report.title",
        &format!("{} ~ {}", report.from, report.to),
    ));
    let rows = [
        ("admin_cli.report.accounts", Some(totals.accounts)),
        ("admin_cli.report.agreed", totals.consent_agreed),
        ("admin_cli.report.refused", totals.consent_refused),
        ("admin_cli.report.pending", totals.consent_pending),
        ("admin_cli.report.withdrawn", totals.consent_withdrawn),
        ("admin_cli.report.email_registered", totals.email_registered),
        ("admin_cli.report.email_verified", totals.email_verified),
        ("admin_cli.report.phone_registered", totals.phone_registered),
        ("admin_cli.report.phone_verified", totals.phone_verified),
        ("admin_cli.report.phone_overseas", totals.phone_overseas),
    ];
    for (key, count) in rows {
        out.line(format!("  {}: {}", out.text(key), show(count)));
    }
    // Days without activity are left out here (JSON and CSV have every day).
    out.line(out.text("admin_cli.report.per_day"));
    let mut any = false;
    for day in report.days.iter().filter(|d| d.accounts_active != Some(0)) {
        any = true;
        let cells = [
            ("admin_cli.report.day.active", day.accounts_active),
            ("admin_cli.report.day.agreed", day.consent_agreed),
            ("admin_cli.report.day.refused", day.consent_refused),
            ("admin_cli.report.day.withdrawn", day.consent_withdrawn),
            ("admin_cli.report.day.registered", day.info_registered),
            ("admin_cli.report.day.changed", day.info_changed),
            ("admin_cli.report.day.deleted", day.info_deleted),
            ("admin_cli.report.day.reconfirmed", day.reconfirmed),
            (
                "admin_cli.report.day.accounts_deleted",
                day.accounts_deleted,
            ),
        ];
        let cells: Vec<String> = cells
            .into_iter()
            .map(|(key, count)| format!("{} {}", out.text(key), show(count)))
            .collect();
        out.line(format!("  {}  {}", day.date, cells.join(" · ")));
    }
    if !any {
        out.line(format!("  {}", out.text("admin_cli.report.no_activity")));
    }
    out.line(out.text_with("admin_cli.report.rule", &report.min_group.to_string()));
}

pub fn trail(out: &mut Out, page: &Page) {
    if out.json {
        return out.json_of(page);
    }
    if page.entries.is_empty() {
        out.line(out.text("admin_cli.audit.none"));
    }
    for entry in &page.entries {
        out.line(format!(
            "{}  {:<17}  {}  {}  {}",
            entry.at,
            entry.kind,
            entry.account_ref.as_deref().unwrap_or("-"),
            entry.app_version,
            entry.detail
        ));
    }
    if let Some(cursor) = &page.next_cursor {
        out.line(out.text_with("admin_cli.audit.more", cursor));
    }
}

/// Why a token was not created, in the reader's language.
pub fn token_refused(out: &mut Out, refused: &TokenError) {
    let key = match refused {
        TokenError::NoScope => "admin_cli.error.no_scope",
        _ => "admin_cli.error.bad_name",
    };
    out.error(out.text(key));
}

/// Why a report's dates were refused.
pub fn range_refused(out: &mut Out, refused: &RangeError) {
    let key = match refused {
        RangeError::BadDate => "admin_cli.error.range_bad_date",
        RangeError::Reversed => "admin_cli.error.range_reversed",
        RangeError::TooLong => "admin_cli.error.range_too_long",
    };
    out.error(out.text(key));
}

/// Why an audit filter was refused.
pub fn filter_refused(out: &mut Out, refused: &FilterError) {
    let key = match refused {
        FilterError::UnknownKind => "admin_cli.error.filter_kind",
        FilterError::BadTime => "admin_cli.error.filter_time",
        FilterError::BadCursor => "admin_cli.error.filter_cursor",
        FilterError::BadLimit => "admin_cli.error.filter_limit",
    };
    out.error(out.text(key));
}

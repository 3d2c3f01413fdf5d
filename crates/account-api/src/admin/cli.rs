//! `account-api admin …`: what IT does on the server machine, on the database file directly, so
//! that the first admin token can be made before any route accepts one, and offboarding works
//! with the server stopped too. SQLite lets the command line and a running server share the file.
//!
//! ```text
//! account-api admin --db PATH [--json] [--lang ko|en] <command>
//!   token create --name NAME --scope SCOPE[,SCOPE…]   token list   token revoke ID
//!   delete-account ADDRESS
//!   report [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv]
//!   audit [--from TIME] [--to TIME] [--kind KIND[,KIND…]] [--cursor C] [--limit N]
//! ```
//!
//! Every command is recorded in the audit log like an admin route's call (`admin_call`, by `cli`).
//! Exit status: 0 done, 1 the database failed, 2 a usage error, 3 no such account or token,
//! 4 the account was already deleted.

use super::cli_text::{self as text, Out};
use super::deletion::{self, Actor, DeleteError};
use super::report::{self, Range};
use super::tokens::{self, Scope, TokenError};
use super::trail::{self, Filter, TrailError};
use crate::audit::{self, Kind};
use crate::store::{Store, StoreError};
use mail_identity_core::locale::Locale;
use rust_i18n::t;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

/// What the audit log names as the client of the command line.
const CLIENT: &str = "account-api-admin";

/// One parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub locale: Locale,
    pub json: bool,
    pub db: Option<PathBuf>,
    pub command: Command,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    TokenCreate {
        name: String,
        scopes: Vec<Scope>,
    },
    TokenList,
    TokenRevoke {
        id: String,
    },
    DeleteAccount {
        address: String,
    },
    Report {
        from: Option<String>,
        to: Option<String>,
        csv: bool,
    },
    Audit(AuditArgs),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditArgs {
    pub from: Option<String>,
    pub to: Option<String>,
    pub kinds: Vec<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// A usage error, in the invocation's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub locale: Locale,
    pub message: String,
}

/// The language when `--lang` is absent: the environment's, Korean unless it is English.
fn default_locale() -> Locale {
    let env = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
    Locale::from_os(env.as_deref())
}

/// Parses what follows `account-api admin`.
pub fn parse(args: &[String]) -> Result<Invocation, Usage> {
    // The language first, so that every error is in it.
    let mut locale = default_locale();
    for pair in args.windows(2) {
        if pair[0] == "--lang" {
            if let Some(chosen) = Locale::from_tag(&pair[1]) {
                locale = chosen;
            }
        }
    }
    let usage = |key: &str, value: &str| Usage {
        locale,
        message: t!(key, locale = locale.tag(), value = value).to_string(),
    };
    let mut positional: Vec<String> = Vec::new();
    let (mut json, mut csv, mut help) = (false, false, false);
    let mut options: std::collections::BTreeMap<&'static str, String> = Default::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let valued = [
            "--db", "--lang", "--name", "--scope", "--from", "--to", "--kind", "--cursor",
            "--limit",
        ];
        match arg.as_str() {
            "--json" => json = true,
            "--csv" => csv = true,
            "-h" | "--help" | "help" => help = true,
            option if option.starts_with("--") => {
                let Some(name) = valued.into_iter().find(|v| *v == option) else {
                    return Err(usage("admin_cli.error.unknown_option", option));
                };
                let value = iter
                    .next()
                    .ok_or_else(|| usage("admin_cli.error.missing_value", name))?;
                options.insert(name, value.clone());
            }
            _ => positional.push(arg.clone()),
        }
    }
    let db = options.remove("--db").map(PathBuf::from);
    options.remove("--lang");
    let words: Vec<&str> = positional.iter().map(String::as_str).collect();
    let command = match words.as_slice() {
        _ if help => Command::Help,
        [] => Command::Help,
        ["token", "create"] => {
            let name = options
                .remove("--name")
                .ok_or_else(|| usage("admin_cli.error.missing_value", "--name"))?;
            let list = options
                .remove("--scope")
                .ok_or_else(|| usage("admin_cli.error.missing_value", "--scope"))?;
            let scopes = list
                .split(',')
                .map(|s| {
                    Scope::parse(s.trim()).ok_or_else(|| usage("admin_cli.error.unknown_scope", s))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Command::TokenCreate { name, scopes }
        }
        ["token", "list"] => Command::TokenList,
        ["token", "revoke", id] => Command::TokenRevoke { id: id.to_string() },
        ["delete-account", address] => Command::DeleteAccount {
            address: address.to_string(),
        },
        ["report"] => Command::Report {
            from: options.remove("--from"),
            to: options.remove("--to"),
            csv,
        },
        ["audit"] => {
            let limit = options
                .remove("--limit")
                .map(|n| {
                    n.parse::<u32>()
                        .map_err(|_| usage("admin_cli.error.bad_limit", &n))
                })
                .transpose()?;
            Command::Audit(AuditArgs {
                from: options.remove("--from"),
                to: options.remove("--to"),
                kinds: options
                    .remove("--kind")
                    .map(|k| k.split(',').map(|s| s.trim().to_string()).collect())
                    .unwrap_or_default(),
                cursor: options.remove("--cursor"),
                limit,
            })
        }
        other => return Err(usage("admin_cli.error.unknown_command", &other.join(" "))),
    };
    if let Some(option) = options.keys().next() {
        return Err(usage("admin_cli.error.unexpected_option", option));
    }
    if command != Command::Help && db.is_none() {
        return Err(usage("admin_cli.error.missing_value", "--db"));
    }
    Ok(Invocation {
        locale,
        json,
        db,
        command,
    })
}

/// Parses and runs `account-api admin …`, printing to standard output and error.
pub fn main(args: &[String]) -> ExitCode {
    let invocation = match parse(args) {
        Ok(invocation) => invocation,
        Err(usage) => {
            eprintln!("{}\n", usage.message);
            eprintln!("{}", t!("admin_cli.usage", locale = usage.locale.tag()));
            return ExitCode::from(2);
        }
    };
    let mut out = Out::new(invocation.locale, invocation.json);
    let code = run(&invocation, &mut out);
    print!("{}", out.stdout);
    eprint!("{}", out.stderr);
    ExitCode::from(code)
}

/// Runs a parsed invocation into `out`; returns the exit status.
pub fn run(invocation: &Invocation, out: &mut Out) -> u8 {
    let Some(db) = &invocation.db else {
        out.line(t!("admin_cli.usage", locale = out.locale.tag()).to_string());
        return 0;
    };
    let store = match Store::open(db) {
        Ok(store) => store,
        Err(error) => return out.failed(&error),
    };
    let now = crate::clock::Clock::system().now();
    let now_text = crate::clock::rfc3339(now);
    let outcome = store.call_sync(|conn| -> Result<u8, StoreError> {
        let action = match &invocation.command {
            Command::Help => return Ok(0),
            Command::TokenCreate { name, scopes } => {
                match tokens::create(conn, name, scopes, &now_text) {
                    Ok(created) => text::created(out, &created),
                    Err(TokenError::Store(e)) => return Err(e),
                    Err(refused) => {
                        text::token_refused(out, &refused);
                        return Ok(2);
                    }
                }
                "token_create"
            }
            Command::TokenList => {
                text::token_list(out, &tokens::list(conn)?);
                "token_list"
            }
            Command::TokenRevoke { id } => {
                match tokens::revoke(conn, id, &now_text) {
                    Ok(()) => text::revoked(out, id),
                    Err(TokenError::Store(e)) => return Err(e),
                    Err(_) => {
                        out.error(
                            t!(
                                "admin_cli.error.unknown_token",
                                locale = out.locale.tag(),
                                value = id
                            )
                            .to_string(),
                        );
                        return Ok(3);
                    }
                }
                "token_revoke"
            }
            Command::DeleteAccount { address } => {
                let actor = Actor {
                    client: CLIENT,
                    by: "cli",
                };
                let code = match deletion::delete_account(conn, address, &now_text, &actor) {
                    Ok(deleted) => {
                        text::deleted(out, &deleted);
                        0
                    }
                    Err(DeleteError::NotFound) => {
                        out.error(
                            t!("admin_cli.error.no_account", locale = out.locale.tag()).to_string(),
                        );
                        3
                    }
                    Err(DeleteError::AlreadyDeleted(at)) => {
                        out.error(
                            t!(
                                "admin_cli.error.already_deleted",
                                locale = out.locale.tag(),
                                value = at
                            )
                            .to_string(),
                        );
                        4
                    }
                    Err(DeleteError::Store(e)) => return Err(e),
                };
                record(conn, &now_text, "delete_account", code)?;
                return Ok(code);
            }
            Command::Report { from, to, csv } => {
                let range = match Range::parse(from.as_deref(), to.as_deref(), now.date()) {
                    Ok(range) => range,
                    Err(refused) => {
                        text::range_refused(out, &refused);
                        return Ok(2);
                    }
                };
                let built = report::build(conn, range, &now_text)?;
                if *csv {
                    out.raw(report::to_csv(&built));
                } else {
                    text::report(out, &built);
                }
                "report"
            }
            Command::Audit(args) => {
                let filter = Filter {
                    from: args.from.clone(),
                    to: args.to.clone(),
                    kinds: args.kinds.clone(),
                    cursor: args.cursor.clone(),
                    limit: args.limit,
                };
                match trail::page(conn, &filter) {
                    Ok(page) => text::trail(out, &page),
                    Err(TrailError::Store(e)) => return Err(e),
                    Err(TrailError::Filter(refused)) => {
                        text::filter_refused(out, &refused);
                        return Ok(2);
                    }
                }
                "audit"
            }
        };
        record(conn, &now_text, action, 0)?;
        Ok(0)
    });
    match outcome {
        Ok(code) => code,
        Err(error) => out.failed(&error),
    }
}

/// The audit entry of a command: like an admin route's call, by `cli`.
fn record(
    conn: &rusqlite::Connection,
    now: &str,
    action: &str,
    code: u8,
) -> Result<(), StoreError> {
    audit::record(
        conn,
        0,
        now,
        CLIENT,
        Kind::AdminCall,
        None,
        json!({ "token": "cli", "action": action, "status": code }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message the command line prints exists in both languages (keys chosen at run time
    /// are out of the catalog check's sight).
    #[test]
    fn every_message_is_in_both_catalogs() {
        for key in [
            "admin_cli.answer_no",
            "admin_cli.answer_yes",
            "admin_cli.audit.more",
            "admin_cli.audit.none",
            "admin_cli.deleted.done",
            "admin_cli.deleted.email",
            "admin_cli.deleted.phone",
            "admin_cli.deleted.reference",
            "admin_cli.deleted.sessions",
            "admin_cli.error.already_deleted",
            "admin_cli.error.bad_limit",
            "admin_cli.error.bad_name",
            "admin_cli.error.database",
            "admin_cli.error.filter_cursor",
            "admin_cli.error.filter_kind",
            "admin_cli.error.filter_limit",
            "admin_cli.error.filter_time",
            "admin_cli.error.missing_value",
            "admin_cli.error.no_account",
            "admin_cli.error.no_scope",
            "admin_cli.error.range_bad_date",
            "admin_cli.error.range_reversed",
            "admin_cli.error.range_too_long",
            "admin_cli.error.unexpected_option",
            "admin_cli.error.unknown_command",
            "admin_cli.error.unknown_option",
            "admin_cli.error.unknown_scope",
            "admin_cli.error.unknown_token",
            "admin_cli.report.accounts",
            "admin_cli.report.agreed",
            "admin_cli.report.email_registered",
            "admin_cli.report.email_verified",
            "admin_cli.report.pending",
            "admin_cli.report.per_day",
            "admin_cli.report.day.active",
            "admin_cli.report.day.agreed",
            "admin_cli.report.day.refused",
            "admin_cli.report.day.withdrawn",
            "admin_cli.report.day.registered",
            "admin_cli.report.day.changed",
            "admin_cli.report.day.deleted",
            "admin_cli.report.day.reconfirmed",
            "admin_cli.report.day.accounts_deleted",
            "admin_cli.report.no_activity",
            "admin_cli.report.phone_overseas",
            "admin_cli.report.phone_registered",
            "admin_cli.report.phone_verified",
            "admin_cli.report.refused",
            "admin_cli.report.rule",
            "admin_cli.report.suppressed",
            "admin_cli.report.title",
            "admin_cli.report.withdrawn",
            "admin_cli.token.created",
            "admin_cli.token.last_used",
            "admin_cli.token.never_used",
            "admin_cli.token.none",
            "admin_cli.token.revoked",
            "admin_cli.token.revoked_at",
            "admin_cli.usage",
        ] {
            for locale in ["ko", "en"] {
                let text = t!(key, locale = locale).to_string();
                assert!(
                    !text.is_empty() && text != key && !text.ends_with(key),
                    "{locale}: {key}"
                );
            }
        }
    }

    #[test]
    fn usage_errors_are_in_the_chosen_language() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let wrong = parse(&args(&[
            "--lang", "en", "token", "create", "--name", "x", "--scope", "all",
        ]))
        .unwrap_err();
        assert!(
            wrong.message.contains("Unknown scope: all"),
            "{}",
            wrong.message
        );
        let wrong = parse(&args(&["--lang", "ko", "report", "--kind", "x"])).unwrap_err();
        assert!(
            wrong.message.contains("쓸 수 없는 옵션"),
            "{}",
            wrong.message
        );
        let ok = parse(&args(&[
            "--db",
            "a.db",
            "audit",
            "--kind",
            "account_deleted,admin_call",
        ]))
        .unwrap();
        assert_eq!(
            ok.command,
            Command::Audit(AuditArgs {
                kinds: vec!["account_deleted".into(), "admin_call".into()],
                ..AuditArgs::default()
            })
        );
    }
}

//! `mail-identity-cli`: the core's phone and e-mail checks from a terminal or a pipe.
//!
//! `phone check` and `email check` answer a person, in Korean or English from the one catalog in
//! `locales/`; `phone batch` answers a program (JSON Lines), which is also how the differential
//! test compares the core with Google's libphonenumber. `policy show` prints the effective managed
//! configuration for administrators.

mod args;
mod batch;
mod email_batch;
mod human;
mod policy;

use mail_identity_core::locale::Locale;
use rust_i18n::t;
use std::process::ExitCode;

rust_i18n::i18n!("../../locales", fallback = "ko");

/// Exit status for a refused number or address (0 is accepted, 2 a usage error).
const REFUSED: u8 = 1;
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let parsed = args::parse(&argv);
    let locale = parsed.as_ref().map_or_else(|e| e.locale, |c| c.locale);
    match parsed {
        Err(error) => {
            eprintln!("{}", error.message());
            eprintln!();
            eprintln!("{}", t!("cli.usage", locale = locale.tag()));
            ExitCode::from(USAGE)
        }
        Ok(command) => run(command),
    }
}

fn run(command: args::Command) -> ExitCode {
    let locale = command.locale;
    let outcome = match command.action {
        args::Action::Help => {
            println!("{}", t!("cli.usage", locale = locale.tag()));
            Ok(true)
        }
        args::Action::PhoneCheck { input, mode } => Ok(human::phone(&input, &mode, locale)),
        args::Action::EmailCheck { input, account } => {
            Ok(human::email(&input, account.as_deref(), locale))
        }
        args::Action::PolicyShow { file, json } => {
            policy::show(file.as_deref(), json, locale, &mut std::io::stdout().lock())
                .map_err(|e| e.to_string())
        }
        args::Action::PhoneBatch => batch::run(std::io::stdin().lock(), std::io::stdout().lock())
            .map(|()| true)
            .map_err(|e| e.to_string()),
        args::Action::EmailBatch => {
            email_batch::run(std::io::stdin().lock(), std::io::stdout().lock())
                .map(|()| true)
                .map_err(|e| e.to_string())
        }
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(REFUSED),
        Err(detail) => {
            eprintln!(
                "{}",
                t!("cli.error.io", locale = locale.tag(), detail = detail)
            );
            ExitCode::FAILURE
        }
    }
}

/// The locale when `--lang` is absent: the environment's, Korean unless it is English.
fn default_locale() -> Locale {
    let env = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
    Locale::from_os(env.as_deref())
}

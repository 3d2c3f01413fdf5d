//! The command line, parsed by hand: four commands and a handful of options do not need a framework.

use crate::default_locale;
use mail_identity_core::locale::Locale;
use mail_identity_core::phone::{engine, PhoneMode};
use rust_i18n::t;

pub struct Command {
    pub locale: Locale,
    pub action: Action,
}

pub enum Action {
    Help,
    PhoneCheck {
        input: String,
        mode: PhoneMode,
    },
    PhoneBatch,
    /// JSON Lines of addresses in, verdicts out (for the differential test).
    EmailBatch,
    EmailCheck {
        input: String,
        account: Option<String>,
    },
    PolicyShow {
        file: Option<std::path::PathBuf>,
        json: bool,
    },
}

/// A usage error, to be shown in `locale`.
pub struct ArgsError {
    pub locale: Locale,
    kind: ArgsErrorKind,
}

enum ArgsErrorKind {
    UnknownCommand(String),
    UnknownOption(String),
    MissingValue(String),
    MissingInput,
    TooManyInputs,
    BadLanguage(String),
    BadCountry(String),
}

impl ArgsError {
    pub fn message(&self) -> String {
        let locale = self.locale.tag();
        match &self.kind {
            ArgsErrorKind::UnknownCommand(c) => {
                t!("cli.error.unknown_command", locale = locale, command = c)
            }
            ArgsErrorKind::UnknownOption(o) => {
                t!("cli.error.unknown_option", locale = locale, option = o)
            }
            ArgsErrorKind::MissingValue(o) => {
                t!("cli.error.missing_value", locale = locale, option = o)
            }
            ArgsErrorKind::MissingInput => t!("cli.error.missing_input", locale = locale),
            ArgsErrorKind::TooManyInputs => t!("cli.error.too_many_inputs", locale = locale),
            ArgsErrorKind::BadLanguage(l) => {
                t!("cli.error.bad_language", locale = locale, lang = l)
            }
            ArgsErrorKind::BadCountry(c) => {
                t!("cli.error.bad_country", locale = locale, country = c)
            }
        }
        .into_owned()
    }
}

#[derive(Default)]
struct Options {
    lang: Option<String>,
    country: Option<String>,
    account: Option<String>,
    overseas: bool,
    file: Option<String>,
    json: bool,
    positional: Vec<String>,
}

pub fn parse(argv: &[String]) -> Result<Command, ArgsError> {
    let mut options = Options::default();
    let mut rest = argv.iter();
    let mut only_positional = false;
    while let Some(arg) = rest.next() {
        let mut value_of = |name: &str| {
            rest.next()
                .cloned()
                .ok_or_else(|| ArgsErrorKind::MissingValue(name.to_string()))
        };
        let result = match arg.as_str() {
            _ if only_positional => {
                options.positional.push(arg.clone());
                Ok(())
            }
            "--" => {
                only_positional = true;
                Ok(())
            }
            "--lang" => value_of("--lang").map(|v| options.lang = Some(v)),
            "--country" => value_of("--country").map(|v| options.country = Some(v)),
            "--account" => value_of("--account").map(|v| options.account = Some(v)),
            "--overseas" => {
                options.overseas = true;
                Ok(())
            }
            "--file" => value_of("--file").map(|v| options.file = Some(v)),
            "--json" => {
                options.json = true;
                Ok(())
            }
            "-h" | "--help" => {
                options.positional.insert(0, "help".into());
                Ok(())
            }
            other if other.starts_with("--") => Err(ArgsErrorKind::UnknownOption(other.into())),
            other => {
                options.positional.push(other.into());
                Ok(())
            }
        };
        if let Err(kind) = result {
            return Err(error(&options, kind));
        }
    }
    let locale = match options.lang.as_deref() {
        None => default_locale(),
        Some(tag) => Locale::from_tag(tag)
            .ok_or_else(|| error(&options, ArgsErrorKind::BadLanguage(tag.into())))?,
    };
    let words: Vec<&str> = options.positional.iter().map(String::as_str).collect();
    let action = match words.as_slice() {
        [] | ["help", ..] => Action::Help,
        ["phone", "batch"] => Action::PhoneBatch,
        ["email", "batch"] => Action::EmailBatch,
        ["phone", "check", inputs @ ..] => Action::PhoneCheck {
            input: single(&options, inputs)?,
            mode: mode(&options)?,
        },
        ["email", "check", inputs @ ..] => Action::EmailCheck {
            input: single(&options, inputs)?,
            account: options.account.clone(),
        },
        ["policy", "show"] => Action::PolicyShow {
            file: options.file.clone().map(Into::into),
            json: options.json,
        },
        _ => {
            return Err(error(
                &options,
                ArgsErrorKind::UnknownCommand(words.join(" ")),
            ))
        }
    };
    Ok(Command { locale, action })
}

fn single(options: &Options, inputs: &[&str]) -> Result<String, ArgsError> {
    match inputs {
        [one] => Ok((*one).to_string()),
        [] => Err(error(options, ArgsErrorKind::MissingInput)),
        _ => Err(error(options, ArgsErrorKind::TooManyInputs)),
    }
}

/// `--country KR` (or none) is domestic mode, as in `phone batch`; `--overseas` without a country
/// is overseas mode where the number must carry its `+CC`.
fn mode(options: &Options) -> Result<PhoneMode, ArgsError> {
    let country = options.country.as_deref().map(str::to_ascii_uppercase);
    if let Some(code) = &country {
        if engine::region_from_code(code).is_none() {
            return Err(error(options, ArgsErrorKind::BadCountry(code.clone())));
        }
    }
    // Another country than Korea is what the form's overseas toggle means.
    let overseas = options.overseas || country.as_deref().is_some_and(|c| c != "KR");
    Ok(PhoneMode::for_form(overseas, country.as_deref()))
}

fn error(options: &Options, kind: ArgsErrorKind) -> ArgsError {
    let locale = options
        .lang
        .as_deref()
        .and_then(Locale::from_tag)
        .unwrap_or_else(default_locale);
    ArgsError { locale, kind }
}

//! `account-api admin …` (see `account_api::admin::cli`), and
//! `account-api serve --listen 127.0.0.1:8787 --db PATH [--seed-demo] [--faults SPEC]
//! [--notice-version V] [--smtp URL] [--sms-webhook URL] [--step-up-max-age S] [--reconfirm-days N]
//! [--max-connections N]`
//!
//! Secrets come from the environment, never from arguments (which any local user sees in `ps`):
//! `MAIL_IDENTITY_SMTP_PASSWORD`, `MAIL_IDENTITY_SMS_TOKEN`.

use account_api::senders::SMTP_DEFAULT_FROM;
use account_api::{Config, FaultSpec, SmsSettings, SmtpSettings};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: account-api admin --help       (IT: admin tokens, account deletion, report, audit trail)
       account-api serve --db PATH [--listen ADDR] [--seed-demo] [--faults SPEC] [--notice-version V]
                         [--smtp URL [--smtp-from ADDRESS] [--smtp-user NAME]] [--sms-webhook URL]
                         [--step-up-max-age SECONDS] [--reconfirm-days N] [--max-connections N]

  --listen ADDR         where to listen (default 127.0.0.1:8787; port 0 picks a free one)
  --db PATH             the SQLite database (created when missing)
  --seed-demo           create the demo accounts (see docs/api/README.md)
  --faults SPEC         fault injection for tests, e.g. '503@30%,retry-after=2,until=60s'
  --notice-version V    serve the consent notice under another version (simulates a new notice)
  --smtp URL            the SMTP relay for codes and change alerts: smtps://host:465,
                        smtp://host:587?tls=required, or smtp://127.0.0.1:PORT (plain, this machine
                        only); credentials in the URL or --smtp-user with MAIL_IDENTITY_SMTP_PASSWORD
  --smtp-from ADDRESS   the sender of every mail (default no-reply@mail-identity.invalid)
  --smtp-user NAME      the relay's user name (the password from MAIL_IDENTITY_SMTP_PASSWORD)
  --sms-webhook URL     the SMS provider's webhook: POST {to: E.164, text: ...} JSON, with
                        Authorization: Bearer $MAIL_IDENTITY_SMS_TOKEN when that is set
  --step-up-max-age S   seconds a password stays recent for changes (default 300)
  --reconfirm-days N    days until the app asks whether the info is still right (default 180; 0 off)
  --max-connections N   connections served at once; more wait their turn (default 512, keep it well
                        below the process's file descriptor limit, `ulimit -n`)

--faults is refused unless --listen is a loopback address: /_test/* has no authentication.

Logs go to stderr; ACCOUNT_API_LOG=debug adds one line per request (method, path, status).
";

fn main() -> ExitCode {
    let level = match std::env::var("ACCOUNT_API_LOG").as_deref() {
        Ok("debug") => tracing::Level::DEBUG,
        Ok("warn") => tracing::Level::WARN,
        _ => tracing::Level::INFO,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    // IT's commands on the database (tokens, offboarding, the report, the audit trail).
    if args.first().map(String::as_str) == Some("admin") {
        return account_api::admin::cli::main(&args[1..]);
    }
    let config = match parse(&args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("account-api: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("account-api: could not start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(config))
}

async fn run(config: Config) -> ExitCode {
    let faults = config.faults.is_some();
    // Which senders are on, never where they point (a URL may hold credentials).
    let (email, sms) = (config.smtp.is_some(), config.sms.is_some());
    let handle = match account_api::serve(config).await {
        Ok(handle) => handle,
        Err(error) => {
            eprintln!("account-api: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        "listening on {}{}",
        handle.base_url(),
        if faults {
            " (FAULT INJECTION ON; /_test/* enabled)"
        } else {
            ""
        }
    );
    tracing::info!(email_codes_and_alerts = email, sms_codes = sms, "senders");
    // The line tests and scripts wait for (printed to stdout once the port is bound).
    println!("account-api listening on {}", handle.base_url());
    shutdown_signal().await;
    tracing::info!("shutting down");
    handle.shutdown().await;
    ExitCode::SUCCESS
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn parse(args: &[String]) -> Result<Config, String> {
    let mut args = args.iter();
    match args.next().map(String::as_str) {
        Some("serve") => {}
        Some("-h" | "--help" | "help") | None => return Err("a command is needed".into()),
        Some(other) => return Err(format!("unknown command `{other}`")),
    }
    let mut listen: SocketAddr = ([127, 0, 0, 1], 8787).into();
    let mut db: Option<PathBuf> = None;
    let mut seed = false;
    let mut faults: Option<FaultSpec> = None;
    let mut notice_version: Option<String> = None;
    let (mut smtp, mut smtp_from, mut smtp_user, mut sms): (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = (None, None, None, None);
    let mut step_up: Option<u64> = None;
    let mut reconfirm_days: Option<u32> = None;
    let mut max_connections: Option<usize> = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--listen" => {
                listen = value("--listen")?
                    .parse()
                    .map_err(|_| "--listen takes an address such as 127.0.0.1:8787".to_string())?
            }
            "--db" => db = Some(PathBuf::from(value("--db")?)),
            "--seed-demo" => seed = true,
            "--faults" => faults = Some(value("--faults")?.parse().map_err(|e| format!("{e}"))?),
            "--notice-version" => notice_version = Some(value("--notice-version")?),
            "--smtp" => smtp = Some(value("--smtp")?),
            "--smtp-from" => smtp_from = Some(value("--smtp-from")?),
            "--smtp-user" => smtp_user = Some(value("--smtp-user")?),
            "--sms-webhook" => sms = Some(value("--sms-webhook")?),
            "--step-up-max-age" => {
                step_up = Some(
                    value("--step-up-max-age")?
                        .parse()
                        .map_err(|_| "--step-up-max-age takes seconds".to_string())?,
                )
            }
            "--reconfirm-days" => {
                reconfirm_days = Some(
                    value("--reconfirm-days")?
                        .parse()
                        .map_err(|_| "--reconfirm-days takes a number of days".to_string())?,
                )
            }
            "--max-connections" => {
                max_connections = Some(
                    value("--max-connections")?
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| "--max-connections takes a number above 0".to_string())?,
                )
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let db = db.ok_or("--db PATH is required")?;
    let mut config = Config::new(listen, db);
    config.seed_demo = seed;
    config.faults = faults;
    if let Some(version) = notice_version {
        config.notice_version = version;
    }
    if let Some(seconds) = step_up {
        config.step_up_max_age = std::time::Duration::from_secs(seconds);
    }
    if let Some(days) = reconfirm_days {
        config.reconfirm_days = days;
    }
    if let Some(n) = max_connections {
        config.max_connections = n;
    }
    if smtp.is_none() && (smtp_from.is_some() || smtp_user.is_some()) {
        return Err("--smtp-from and --smtp-user need --smtp".into());
    }
    config.smtp = smtp.map(|url| SmtpSettings {
        url,
        from: smtp_from.unwrap_or_else(|| SMTP_DEFAULT_FROM.to_string()),
        user: smtp_user,
        password: std::env::var("MAIL_IDENTITY_SMTP_PASSWORD").ok(),
    });
    config.sms = sms.map(|url| SmsSettings {
        url,
        token: std::env::var("MAIL_IDENTITY_SMS_TOKEN")
            .ok()
            .filter(|t| !t.is_empty()),
    });
    Ok(config)
}

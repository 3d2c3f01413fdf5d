//! `account-api serve --listen 127.0.0.1:8787 --db PATH [--seed-demo] [--faults SPEC]
//! [--notice-version V]`

use account_api::{Config, FaultSpec};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: account-api serve --db PATH [--listen ADDR] [--seed-demo] [--faults SPEC] [--notice-version V]

  --listen ADDR         where to listen (default 127.0.0.1:8787; port 0 picks a free one)
  --db PATH             the SQLite database (created when missing)
  --seed-demo           create the demo accounts (see docs/api/README.md)
  --faults SPEC         fault injection for tests, e.g. '503@30%,retry-after=2,until=60s'
  --notice-version V    serve the consent notice under another version (simulates a new notice)

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
    Ok(config)
}

//! `cargo xtask <command>`: the project's cross-platform entry points.
//!
//! The two commands a newcomer needs are `run` (the app, with everything it needs) and `test` (every
//! test layer). Both install what is missing first, so that a fresh machine needs nothing by hand.

mod account_server;
mod api_contract;
mod bench;
mod build;
mod catalog;
mod cross_check;
mod deb;
mod demo_server;
mod dev_inbox;
mod differential;
mod display;
mod email_diff;
mod exec;
mod keyring_session;
mod phone_diff;
mod python;
mod run;
mod setup;
mod test;
mod tools;
mod windows;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

  run        install what is missing, build the UI, the app and the account server; start both
  test       install what is missing, then run every test layer and print a summary
  setup      only install what is missing (system packages, npm packages, tauri-driver)
  catalog    check locales/*.yml: same keys and placeholders everywhere, every used key exists
  bench      build in release and measure start-up, memory, size, typing latency, validation and
             sync cost beside a bare Tauri app and libphonenumber-js; writes target/bench/report.md
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run::run(),
        Some("test") => test::run(&args[1..]),
        Some("setup") => setup::ensure(setup::Purpose::Test),
        Some("bench") => bench::run(&args[1..]),
        Some("catalog") => catalog::check(&exec::repo_root()).map(|report| println!("{report}")),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

//! `cargo xtask run`: the app as a newcomer first meets it, built with the UI embedded and pointed
//! at the reference account server with its demo accounts, after installing what is missing. The
//! server sends its codes and change alerts to a local dev-inbox: its page (printed at start) shows
//! every mail, and SMS codes also appear in the terminal.

use crate::build::{build_ui, build_workspace_binaries, exe, BinariesFor};
use crate::demo_server;
use crate::exec;
use crate::setup::{self, Purpose};

/// Where `cargo xtask run` serves the reference account API (the dev/demo default backend).
const DEMO_API_LISTEN: &str = "127.0.0.1:8787";

/// Builds the UI, the app (with the UI embedded) and the reference account server; starts the
/// server with its demo accounts and then the app pointed at it; stops the server when the app exits.
pub fn run() -> Result<(), String> {
    setup::ensure(Purpose::Run)?;
    build_ui()?;
    // `--workspace` and the same features as the tests: one build of the dependency chain for both.
    let binaries = build_workspace_binaries(BinariesFor::Running)?;
    // The server and the dev-inbox its codes and alerts go to (the inbox page and the terminal).
    let _demo = demo_server::start(DEMO_API_LISTEN)?;
    let binary = binaries.join(exe("mail-identity"));
    let mut app = std::process::Command::new(binary);
    app.env(
        "MAIL_IDENTITY_API_BASE_URL",
        format!("http://{DEMO_API_LISTEN}"),
    );
    exec::run(&mut app)
}

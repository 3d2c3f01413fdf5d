//! The reference account server for `cargo xtask run`: demo accounts in a database under
//! `target/demo/`, kept between runs so that what was registered is still there next time, its
//! codes and change alerts delivered to a dev-inbox whose page and terminal lines show them.

use crate::account_server::AccountServer;
use crate::build::exe;
use crate::dev_inbox::DevInbox;
use crate::exec::repo_root;
use std::net::TcpStream;

/// Where the dev-inbox page listens for `cargo xtask run`.
const INBOX_LISTEN: &str = "127.0.0.1:8025";

/// The demo server and the inbox it sends to; both stop on drop.
pub struct Demo {
    _server: AccountServer,
    _inbox: DevInbox,
}

/// Starts the dev-inbox and the server on `listen` with the demo database, unless something
/// already answers there (then that one is used and left alone: `None`).
pub fn start(listen: &str) -> Result<Option<Demo>, String> {
    if TcpStream::connect(listen).is_ok() {
        println!("An account server already listens on {listen}: using it.");
        return Ok(None);
    }
    let root = repo_root();
    let data = root.join("target/demo");
    std::fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let inbox_listen = if TcpStream::connect(INBOX_LISTEN).is_ok() {
        "127.0.0.1:0"
    } else {
        INBOX_LISTEN
    };
    let inbox = DevInbox::start(
        &root.join("target/debug").join(exe("dev-inbox")),
        inbox_listen,
    )?;
    let binary = root.join("target/debug").join(exe("account-api"));
    let server = AccountServer::start(
        &binary,
        listen,
        &data.join("account-api.db"),
        &inbox.server_args(),
    )?;
    println!("Demo accounts (password Demo-2026!): see docs/api/README.md");
    println!(
        "Codes and change alerts: the inbox at {} ; SMS codes also appear here in the terminal.",
        inbox.http
    );
    Ok(Some(Demo {
        _server: server,
        _inbox: inbox,
    }))
}

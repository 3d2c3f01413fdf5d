//! The reference account server for `cargo xtask run`: demo accounts in a database under
//! `target/demo/`, kept between runs so that what was registered is still there next time.

use crate::account_server::AccountServer;
use crate::build::exe;
use crate::exec::repo_root;
use std::net::TcpStream;

/// Starts the server on `listen` with the demo database, unless something already answers there
/// (then that one is used and left alone: `None`).
pub fn start(listen: &str) -> Result<Option<AccountServer>, String> {
    if TcpStream::connect(listen).is_ok() {
        println!("An account server already listens on {listen}: using it.");
        return Ok(None);
    }
    let root = repo_root();
    let data = root.join("target/demo");
    std::fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let binary = root.join("target/debug").join(exe("account-api"));
    let server = AccountServer::start(&binary, listen, &data.join("account-api.db"))?;
    println!("Demo accounts (password Demo-2026!): see docs/api/README.md");
    Ok(Some(server))
}

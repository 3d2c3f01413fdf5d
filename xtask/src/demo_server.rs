//! The reference account server for `cargo xtask run`: demo accounts in a database under
//! `target/demo/`, kept between runs so that what was registered is still there next time.

use crate::exec::repo_root;
use crate::layers::exe;
use std::net::TcpStream;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The running server; stopped on drop. `None` when one was already listening (left alone).
pub struct DemoServer(Option<Child>);

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts `account-api serve --seed-demo` on `listen`, unless something already answers there.
pub fn start(listen: &str) -> Result<DemoServer, String> {
    if TcpStream::connect(listen).is_ok() {
        println!("An account server already listens on {listen}: using it.");
        return Ok(DemoServer(None));
    }
    let root = repo_root();
    let data = root.join("target/demo");
    std::fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let db = data.join("account-api.db");
    let binary = root.join("target/debug").join(exe("account-api"));
    println!(
        "\x1b[1m▶ {} serve --listen {listen} --db {} --seed-demo\x1b[0m",
        binary.display(),
        db.display()
    );
    let child = Command::new(&binary)
        .args(["serve", "--listen", listen, "--seed-demo", "--db"])
        .arg(&db)
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
    let server = DemoServer(Some(child));
    let deadline = Instant::now() + Duration::from_secs(15);
    while TcpStream::connect(listen).is_err() {
        if Instant::now() > deadline {
            return Err(format!(
                "the account server did not listen on {listen} within 15 s"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    println!("Demo accounts (password Demo-2026!): see docs/api/README.md");
    Ok(server)
}

//! A loopback TCP gate in front of a server that passes requests, holds each one back for a while,
//! or swallows them: the slow network (a VPN still connecting) and the silent one (a proxy that
//! drops packets) of the start-up and save tests, of the end-to-end tests and of the bench.
//!
//! It works on bytes, below HTTP, so the client meets exactly what such a network does to it: a
//! connection that is accepted and then nothing, or an answer that comes late. The mode is read
//! for every chunk the client sends, so a kept-alive connection changes with it. A connection
//! whose request was swallowed is closed when the mode changes (the network came back and the
//! half-open connection died), as a real one would be after the client's timeout.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the gate does with what the client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Passes everything at once.
    Pass,
    /// Holds each chunk the client sends (in practice each request) back this long.
    Delay(Duration),
    /// Accepts connections and swallows what they send: no answer, no close.
    Silent,
}

/// A running gate; it stops when dropped.
pub struct Gate {
    port: u16,
    mode: watch::Sender<Mode>,
    task: tokio::task::JoinHandle<()>,
}

impl Gate {
    /// A gate on a free loopback port in front of `upstream` (`http://127.0.0.1:port`).
    pub async fn start(upstream: &str, mode: Mode) -> Gate {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the gate");
        let port = listener.local_addr().expect("the gate's address").port();
        let (mode, watching) = watch::channel(mode);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, upstream.clone(), watching.clone()));
            }
        });
        Gate { port, mode, task }
    }

    /// The URL to point the app at.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Changes what the gate does from the next chunk on.
    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One client connection, relayed to its own connection to the server.
async fn relay(client: TcpStream, upstream: String, mut mode: watch::Receiver<Mode>) {
    let Ok(server) = TcpStream::connect(&upstream).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    // The answers go back as they come.
    let down = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    });
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match client_read.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let current = *mode.borrow_and_update();
        match current {
            Mode::Silent => {
                // Swallowed: held open until the network "comes back", then closed.
                let _ = mode.changed().await;
                break;
            }
            Mode::Delay(by) => tokio::time::sleep(by).await,
            Mode::Pass => {}
        }
        if server_write.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    down.abort();
}

//! Slow and idle clients: a body that never finishes is cut off, connections are capped, and a
//! normal request is answered meanwhile.

use crate::common::*;
use reqwest::{Method, StatusCode};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends the head of a sign-in and one byte of its announced 100-byte body, then nothing.
async fn slow_client(addr: std::net::SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"POST /v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{",
        )
        .await
        .unwrap();
    stream
}

#[tokio::test]
async fn slow_bodies_are_cut_off_while_a_normal_request_is_answered() {
    let server = TestServer::start_with(|c| c.body_timeout = Duration::from_secs(2)).await;
    let addr = server.handle.addr();
    // 150 slow clients: 300 descriptors in this process, both ends counted.
    let mut slow = Vec::new();
    for _ in 0..150 {
        slow.push(slow_client(addr).await);
    }
    let started = Instant::now();
    let normal = server
        .request(Method::GET, "/v1/identity/notice")
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(normal.status(), StatusCode::OK);
    assert!(took < Duration::from_secs(1), "{took:?}");
    // Each slow client gets a 408 and its connection closed, instead of holding it for ever.
    for mut stream in slow {
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(15), stream.read_to_end(&mut answer))
            .await
            .expect("the slow connection is closed")
            .unwrap();
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    }
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let server = TestServer::start_with(|c| c.max_connections = 20).await;
    let addr = server.handle.addr();
    let mut held = Vec::new();
    for _ in 0..30 {
        held.push(slow_client(addr).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.handle.open_connections(), 20);
    // Freed slots are taken by the waiting clients; never more than the cap.
    held.truncate(5);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(server.handle.open_connections() <= 20);
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.handle.open_connections() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(server.handle.open_connections(), 0);
    let answered = server
        .request(Method::GET, "/v1/identity/notice")
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), StatusCode::OK);
}

//! The client's own rules: HTTPS except on loopback, a setup failure that names its part, the
//! response cap while the body streams, and a base path kept.

use super::*;

fn client(url: &str) -> Result<ApiClient, ApiError> {
    ApiClient::new(&ApiConfig::new(url, "0.1.0", "linux"))
}

#[test]
fn https_only_except_loopback() {
    assert!(client("https://mail.example.com").is_ok());
    assert!(client("http://127.0.0.1:8787").is_ok());
    assert!(client("http://localhost:8787/api").is_ok());
    assert!(client("http://[::1]:8787").is_ok());
    assert_eq!(
        client("http://mail.example.com").err(),
        Some(ApiError::InvalidUrl)
    );
    assert_eq!(client("ftp://127.0.0.1").err(), Some(ApiError::InvalidUrl));
    assert_eq!(client("not a url").err(), Some(ApiError::InvalidUrl));
}

#[test]
fn a_client_that_cannot_be_set_up_says_which_part_and_why() {
    let mut config = ApiConfig::new("https://mail.example.com", "0.1.0", "linux");
    config.proxy = Some("http://user:secret@[not-a-host".into());
    let Err(ApiError::ClientSetup { part, cause }) = ApiClient::new(&config) else {
        panic!("an unusable proxy is a setup failure, not a bad server URL");
    };
    assert_eq!(part, SetupPart::Proxy);
    assert!(!cause.contains("secret") && !cause.contains("user"));
    assert!(!ApiError::ClientSetup { part, cause }.is_transient());
}

/// A loopback server that answers every request with `head` and then `body_len` bytes of
/// JSON-looking filler, written in 64 KiB pieces.
async fn oversized_server(head: String, body_len: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let head = head.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let piece = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < body_len {
                    let n = piece.len().min(body_len - sent);
                    let framed = if head.contains("chunked") {
                        [format!("{n:x}\r\n").as_bytes(), &piece[..n], b"\r\n"].concat()
                    } else {
                        piece[..n].to_vec()
                    };
                    if socket.write_all(&framed).await.is_err() {
                        return; // the client stopped reading: what the cap is for
                    }
                    sent += n;
                }
                if head.contains("chunked") {
                    let _ = socket.write_all(b"0\r\n\r\n").await;
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn an_answer_larger_than_the_cap_is_refused_while_it_streams() {
    const TWO_MIB: usize = 2 * 1024 * 1024;
    let announced = oversized_server(
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {TWO_MIB}\r\n\r\n"),
        TWO_MIB,
    )
    .await;
    let chunked = oversized_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .into(),
        TWO_MIB,
    )
    .await;
    for url in [announced, chunked] {
        let error = client(&url).unwrap().me("token").await.unwrap_err();
        assert_eq!(error, ApiError::ResponseTooLarge, "{url}");
        assert!(error.is_transient(), "retried with backoff like a 5xx");
        assert_eq!(
            crate::sync::ServiceError::from(error).code(),
            "server_error"
        );
    }
    // Just under the cap is read (and then judged by the contract: blanks are no JSON).
    let fits = oversized_server(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {MAX_RESPONSE_BYTES}\r\n\r\n"
        ),
        MAX_RESPONSE_BYTES,
    )
    .await;
    let error = client(&fits).unwrap().me("token").await.unwrap_err();
    assert!(matches!(error, ApiError::BadResponse(_)), "{error:?}");
}

#[test]
fn a_base_path_is_kept() {
    let api = client("https://mail.example.com/account").unwrap();
    assert_eq!(
        api.url("v1/identity").unwrap().as_str(),
        "https://mail.example.com/account/v1/identity"
    );
}

//! The dev-inbox over real sockets: an SMTP session as a relay client speaks it, and the webhook.

use dev_inbox::{DevInbox, Options};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

async fn expect(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>, code: &str) {
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        assert!(line.starts_with(code), "expected {code}, got {line:?}");
        // Multi-line replies continue with `250-`.
        if line.as_bytes().get(3) != Some(&b'-') {
            return;
        }
    }
}

#[tokio::test]
async fn an_smtp_session_delivers_a_decoded_message() {
    let inbox = DevInbox::start().await.unwrap();
    let addr = inbox.smtp_url().trim_start_matches("smtp://").to_string();
    let (read, mut write) = TcpStream::connect(addr).await.unwrap().into_split();
    let mut read = BufReader::new(read);
    expect(&mut read, "220").await;
    for (command, reply) in [
        ("EHLO client.example\r\n", "250"),
        ("NOOP\r\n", "250"),
        ("MAIL FROM:<wrong@sender.example>\r\n", "250"),
        ("RSET\r\n", "250"),
        ("DATA\r\n", "503"),
        ("MAIL FROM:<no-reply@corp.example> BODY=8BITMIME\r\n", "250"),
        ("RCPT TO:<seoyeon.lee@naver.com>\r\n", "250"),
        ("DATA\r\n", "354"),
    ] {
        write.write_all(command.as_bytes()).await.unwrap();
        expect(&mut read, reply).await;
    }
    // RFC 2047 subject, quoted-printable UTF-8 body, a dot-stuffed line.
    let message = "From: G-Cloud <no-reply@corp.example>\r\n\
        To: seoyeon.lee@naver.com\r\n\
        Subject: =?utf-8?b?W0ctQ2xvdWRdIO2ZleyduCDsvZTrk5w=?=\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\
        Content-Transfer-Encoding: quoted-printable\r\n\
        \r\n\
        =ED=99=95=EC=9D=B8 =EC=BD=94=EB=93=9C: 123456\r\n\
        ..a line that began with a dot\r\n\
        .\r\n";
    write.write_all(message.as_bytes()).await.unwrap();
    expect(&mut read, "250").await;
    write.write_all(b"QUIT\r\n").await.unwrap();
    expect(&mut read, "221").await;
    let mail = inbox
        .wait_for_mail("seoyeon.lee@naver.com", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(mail.from, "no-reply@corp.example");
    assert_eq!(mail.subject, "[G-Cloud] 확인 코드");
    assert!(mail.text.contains("확인 코드: 123456"), "{}", mail.text);
    assert!(
        mail.text.contains("\n.a line that began with a dot"),
        "{}",
        mail.text
    );
}

async fn http(inbox: &DevInbox, request: String) -> String {
    let addr = inbox
        .http_url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

fn post_sms(token: Option<&str>, body: &str) -> String {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    format!(
        "POST /sms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{auth}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn the_webhook_checks_its_token_and_the_page_escapes_what_it_shows() {
    let inbox = DevInbox::start_with(Options {
        sms_token: Some("t0ken".into()),
        ..Options::default()
    })
    .await
    .unwrap();
    let body = r#"{"to": "+821012345678", "text": "<b>[G-Cloud] 확인 코드 654321</b>"}"#;
    let refused = http(&inbox, post_sms(Some("wrong"), body)).await;
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    let accepted = http(&inbox, post_sms(Some("t0ken"), body)).await;
    assert!(accepted.starts_with("HTTP/1.1 200"), "{accepted}");
    let sms = inbox
        .wait_for_sms("+821012345678", Duration::from_secs(5))
        .await
        .unwrap();
    assert!(sms.text.contains("654321"));
    let page = http(
        &inbox,
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
    )
    .await;
    assert!(page.contains("&lt;b&gt;[G-Cloud]") && !page.contains("<b>[G-Cloud]"));
    let api = http(
        &inbox,
        "GET /api/messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
    )
    .await;
    assert!(api.contains("\"sms\"") && api.contains("654321"));
    let cleared = http(
        &inbox,
        "DELETE /api/messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
    )
    .await;
    assert!(cleared.starts_with("HTTP/1.1 204"));
    assert!(inbox.messages().sms.is_empty());
}

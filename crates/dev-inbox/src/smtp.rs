//! A minimal SMTP server (RFC 5321): EHLO/HELO, MAIL FROM, RCPT TO, DATA with dot-unstuffing,
//! RSET, NOOP, QUIT. Plain text only (it listens on loopback), no AUTH, no relaying anywhere: every
//! accepted message is decoded with `mail-parser` and kept in the inbox.

use crate::{Inbox, Mail};
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// The largest message accepted (the server says so in EHLO).
const MAX_MESSAGE: usize = 10 * 1024 * 1024;
/// The longest command line accepted (RFC 5321 §4.5.3.1.4 says 512; leave room for parameters).
const MAX_LINE: usize = 4096;

pub(crate) async fn serve(listener: TcpListener, inbox: Arc<Inbox>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        };
        let inbox = Arc::clone(&inbox);
        tokio::spawn(async move {
            let _ = session(stream, inbox).await;
        });
    }
}

/// What the client said so far in this transaction.
#[derive(Default)]
struct Envelope {
    from: Option<String>,
    to: Vec<String>,
}

async fn session(stream: TcpStream, inbox: Arc<Inbox>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 dev-inbox ESMTP ready\r\n").await?;
    let mut envelope = Envelope::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut read)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        let (verb, rest) = text.split_once(' ').unwrap_or((text, ""));
        let reply: &[u8] = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => b"250-dev-inbox\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n",
            "HELO" => b"250 dev-inbox\r\n",
            "MAIL" => match path_after(rest, "FROM:") {
                Some(from) => {
                    envelope = Envelope {
                        from: Some(from),
                        to: Vec::new(),
                    };
                    b"250 OK\r\n"
                }
                None => b"501 Syntax: MAIL FROM:<address>\r\n",
            },
            "RCPT" => match (envelope.from.is_some(), path_after(rest, "TO:")) {
                (false, _) => b"503 MAIL first\r\n",
                (true, Some(to)) if !to.is_empty() => {
                    envelope.to.push(to);
                    b"250 OK\r\n"
                }
                _ => b"501 Syntax: RCPT TO:<address>\r\n",
            },
            "DATA" if envelope.to.is_empty() => b"503 RCPT first\r\n",
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let reply: &[u8] = match read_data(&mut read).await? {
                    Some(raw) => {
                        inbox.add_mail(decode(&raw, std::mem::take(&mut envelope)));
                        b"250 OK: queued\r\n"
                    }
                    None => b"552 Message too large\r\n",
                };
                envelope = Envelope::default();
                reply
            }
            "RSET" => {
                envelope = Envelope::default();
                b"250 OK\r\n"
            }
            "NOOP" => b"250 OK\r\n",
            "VRFY" => b"252 Cannot verify, will accept\r\n",
            "QUIT" => {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 Command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// The address in `FROM:<a@b> PARAMS` / `TO:<a@b>` (an empty `<>` is the null sender).
fn path_after(rest: &str, keyword: &str) -> Option<String> {
    let rest = rest.trim_start();
    if rest.len() < keyword.len() || !rest[..keyword.len()].eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = rest[keyword.len()..].trim_start();
    let path = rest.split_whitespace().next().unwrap_or("");
    Some(
        path.trim_start_matches('<')
            .trim_end_matches('>')
            .to_string(),
    )
}

/// The message up to the lone `.` line, dot-unstuffed (RFC 5321 §4.5.2); `None` when too large
/// (the rest is read and dropped so that the session stays in step).
async fn read_data<R: tokio::io::AsyncBufRead + Unpin>(
    read: &mut R,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut message = Vec::new();
    let mut too_large = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let content = line
            .strip_suffix(b"\r\n")
            .or_else(|| line.strip_suffix(b"\n"))
            .unwrap_or(&line);
        if content == b"." {
            return Ok((!too_large).then_some(message));
        }
        let unstuffed = content.strip_prefix(b".").unwrap_or(content);
        if message.len() + unstuffed.len() + 2 > MAX_MESSAGE {
            too_large = true;
        }
        if !too_large {
            message.extend_from_slice(unstuffed);
            message.extend_from_slice(b"\r\n");
        }
    }
}

/// Decodes the message as a mail client would.
fn decode(raw: &[u8], envelope: Envelope) -> Mail {
    let parsed = mail_parser::MessageParser::default().parse(raw);
    let header_from = parsed
        .as_ref()
        .and_then(|m| m.from())
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(str::to_string);
    Mail {
        from: header_from.or(envelope.from).unwrap_or_default(),
        to: envelope.to,
        subject: parsed
            .as_ref()
            .and_then(|m| m.subject())
            .unwrap_or_default()
            .to_string(),
        text: parsed
            .as_ref()
            .and_then(|m| m.body_text(0))
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        received_at: crate::now(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_with_or_without_brackets_and_parameters() {
        assert_eq!(
            path_after("FROM:<a@b.example> BODY=8BITMIME", "FROM:").as_deref(),
            Some("a@b.example")
        );
        assert_eq!(
            path_after("to: <c@d.example>", "TO:").as_deref(),
            Some("c@d.example")
        );
        assert_eq!(path_after("FROM:<>", "FROM:").as_deref(), Some(""));
        assert_eq!(path_after("XYZ", "FROM:"), None);
    }

    #[tokio::test]
    async fn data_is_dot_unstuffed_up_to_the_lone_dot() {
        let input: &[u8] = b"Subject: x\r\n\r\n..leading dot\r\nplain\r\n.\r\nNOOP\r\n";
        let mut reader = tokio::io::BufReader::new(input);
        let data = read_data(&mut reader).await.unwrap().unwrap();
        assert_eq!(data, b"Subject: x\r\n\r\n.leading dot\r\nplain\r\n");
    }
}

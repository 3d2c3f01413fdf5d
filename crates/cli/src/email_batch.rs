//! `email batch`: JSON Lines in, JSON Lines out, one output line per input line, in order, and
//! never a stop on a bad line — how the differential test compares the core's e-mail check with
//! another validator.
//!
//! In: `{"input": "..."}` (other keys ignored). Out: `input`, `ok`, `address` (what would be
//! stored), `display`, `error` (the reason code), `suggestion` (of a refusal, if any) and
//! `warnings` (their codes). A line that is not a JSON object with a string `input` gives
//! `"error": "bad_request"`. The output holds the addresses judged: it is for test corpora, not
//! for real people's data.

use mail_identity_core::email::{check_email, EmailError};
use serde_json::{json, Value};
use std::io::{self, BufRead, BufWriter, Write};

/// Reads `input` to its end, writing one result line per line read.
pub fn run(input: impl BufRead, output: impl Write) -> io::Result<()> {
    let mut out = BufWriter::new(output);
    for line in input.split(b'\n') {
        let line = line?;
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        serde_json::to_writer(&mut out, &judge(line))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// The verdict on one line.
fn judge(line: &[u8]) -> Value {
    let request: Option<Value> = serde_json::from_slice(line).ok();
    let Some(input) = request
        .as_ref()
        .and_then(|r| r.get("input"))
        .and_then(Value::as_str)
    else {
        return json!({"input": null, "ok": false, "error": "bad_request"});
    };
    match check_email(input, None) {
        Ok(valid) => json!({
            "input": input,
            "ok": true,
            "address": valid.address,
            "display": valid.display,
            "error": null,
            "suggestion": null,
            "warnings": valid.warnings.iter().map(|w| {
                serde_json::to_value(w).ok().and_then(|v| v.get("code").cloned())
            }).collect::<Vec<_>>(),
        }),
        Err(error) => json!({
            "input": input,
            "ok": false,
            "address": null,
            "display": null,
            "error": error.code(),
            "suggestion": suggestion(&error),
            "warnings": [],
        }),
    }
}

fn suggestion(error: &EmailError) -> Option<String> {
    match error {
        EmailError::LookAlikeDomain { suggestion } => suggestion.clone(),
        EmailError::KoreanKeyboard { suggestion } => suggestion.as_ref().map(|s| s.0.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<Value> {
        let mut out = Vec::new();
        run(input.as_bytes(), &mut out).expect("writing to memory");
        String::from_utf8(out)
            .expect("JSON is UTF-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect()
    }

    #[test]
    fn one_verdict_per_line_in_order_and_bad_lines_do_not_stop_it() {
        let out = lines(
            "{\"input\": \" hong@naver.com \"}\nnot json\n{\"input\": \"hong@ㅜㅁㅍㄷㄱ.채ㅡ\"}\n{\"input\": 5}",
        );
        assert_eq!(out.len(), 4);
        assert_eq!(out[0]["ok"], true);
        assert_eq!(out[0]["address"], "hong@naver.com");
        assert_eq!(out[1]["error"], "bad_request");
        assert_eq!(out[2]["error"], "korean_keyboard");
        assert_eq!(out[2]["suggestion"], "hong@naver.com");
        assert_eq!(out[3]["error"], "bad_request");
    }
}

//! `phone batch`: JSON Lines in, JSON Lines out, one output line per input line, in order, and
//! never a stop on a bad line.
//!
//! In: `{"input": "...", "region": "KR"}` plus any other keys. `region` `"KR"` (any case) is
//! domestic mode; another code is overseas mode with that country (an unknown code counts as no
//! country); absent or `null` is overseas mode with no country.
//!
//! Out: the other keys echoed in their order, then `input`, `region`, `ok`, `valid`, `type`,
//! `country`, `e164`, `national`, `international`, `error`. A line that is not a JSON object, or
//! whose `input` is not a string or whose `region` is neither a string nor `null`, gives
//! `"error": "bad_request"`. Echoed keys named like an output field are dropped, so that no
//! output line has a key twice.

use mail_identity_core::phone::{analyze_phone, PhoneAnalysis, PhoneMode};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::io::{self, BufRead, BufWriter, Write};

/// The keys the batch writes itself.
const OUTPUT_KEYS: [&str; 10] = [
    "input",
    "region",
    "ok",
    "valid",
    "type",
    "country",
    "e164",
    "national",
    "international",
    "error",
];

/// Reads `input` to its end, writing one result line per line read.
pub fn run(input: impl BufRead, output: impl Write) -> io::Result<()> {
    let mut out = BufWriter::new(output);
    for line in input.split(b'\n') {
        let line = line?;
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        write_result(&mut out, line)?;
    }
    out.flush()
}

/// A JSON object with its keys in the order they came.
struct Ordered(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;
        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(OrderedVisitor)
    }
}

/// One request, or why it is not one (with what could be read of it, to echo).
struct Request {
    extra: Vec<(String, Value)>,
    input: Value,
    region: Value,
    mode: Option<PhoneMode>,
}

fn read_request(line: &[u8]) -> Request {
    let Ok(Ordered(entries)) = serde_json::from_slice::<Ordered>(line) else {
        return Request {
            extra: Vec::new(),
            input: Value::Null,
            region: Value::Null,
            mode: None,
        };
    };
    let mut input = Value::Null;
    let mut region = Value::Null;
    let mut extra = Vec::new();
    for (key, value) in entries {
        match key.as_str() {
            "input" => input = value,
            "region" => region = value,
            _ if OUTPUT_KEYS.contains(&key.as_str()) => {}
            _ => extra.push((key, value)),
        }
    }
    // As the form: `KR` is domestic mode, another country or none is overseas mode.
    let mode = match (&input, &region) {
        (Value::String(_), Value::Null) => Some(PhoneMode::for_form(true, None)),
        (Value::String(_), Value::String(code)) => {
            let code = code.to_ascii_uppercase();
            Some(PhoneMode::for_form(code != "KR", Some(&code)))
        }
        _ => None,
    };
    Request {
        extra,
        input,
        region,
        mode,
    }
}

fn write_result(out: &mut impl Write, line: &[u8]) -> io::Result<()> {
    let request = read_request(line);
    let analysis = match (&request.mode, &request.input) {
        (Some(mode), Value::String(text)) => Some(analyze_phone(text, mode)),
        _ => None,
    };
    let mut fields: Vec<(&str, Value)> = Vec::with_capacity(request.extra.len() + 10);
    for (key, value) in &request.extra {
        fields.push((key, value.clone()));
    }
    fields.push(("input", request.input.clone()));
    fields.push(("region", request.region.clone()));
    fields.extend(result_fields(analysis.as_ref()));
    let mut first = true;
    out.write_all(b"{")?;
    for (key, value) in fields {
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        serde_json::to_writer(&mut *out, key)?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, &value)?;
    }
    out.write_all(b"}\n")
}

fn result_fields(analysis: Option<&PhoneAnalysis>) -> [(&'static str, Value); 8] {
    let Some(analysis) = analysis else {
        return [
            ("ok", Value::Bool(false)),
            ("valid", Value::Bool(false)),
            ("type", Value::Null),
            ("country", Value::Null),
            ("e164", Value::Null),
            ("national", Value::Null),
            ("international", Value::Null),
            ("error", Value::from("bad_request")),
        ];
    };
    let text = |s: Option<&String>| s.map_or(Value::Null, |s| Value::from(s.as_str()));
    let formatted = analysis.formatted.as_ref();
    [
        ("ok", Value::Bool(analysis.verdict.is_ok())),
        ("valid", Value::Bool(analysis.valid)),
        (
            "type",
            analysis.kind.map_or(Value::Null, |k| Value::from(k.code())),
        ),
        ("country", text(analysis.country.as_ref())),
        ("e164", text(formatted.map(|f| &f.e164))),
        ("national", text(formatted.map(|f| &f.national))),
        ("international", text(formatted.map(|f| &f.international))),
        (
            "error",
            analysis
                .verdict
                .as_ref()
                .err()
                .map_or(Value::Null, |e| Value::from(e.code())),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(input: &str) -> Vec<Value> {
        let mut out = Vec::new();
        run(input.as_bytes(), &mut out).expect("writing to memory works");
        String::from_utf8(out)
            .expect("the output is UTF-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
            .collect()
    }

    #[test]
    fn one_line_out_per_line_in_with_extra_keys_echoed_first() {
        let mut out = Vec::new();
        let input = "{\"id\":7,\"input\":\"010-1234-5678\",\"region\":\"KR\",\"tag\":{\"b\":1}}\n";
        run(input.as_bytes(), &mut out).expect("runs");
        let line = String::from_utf8(out).expect("utf-8");
        assert_eq!(
            line,
            "{\"id\":7,\"tag\":{\"b\":1},\"input\":\"010-1234-5678\",\"region\":\"KR\",\"ok\":true,\
             \"valid\":true,\"type\":\"mobile\",\"country\":\"KR\",\"e164\":\"+821012345678\",\
             \"national\":\"010-1234-5678\",\"international\":\"+82 10-1234-5678\",\"error\":null}\n"
        );
    }

    #[test]
    fn bad_lines_give_bad_request_and_the_run_goes_on() {
        let lines = batch(
            "not json\n\n[1,2]\n{\"input\":5}\n{\"input\":\"1\",\"region\":3}\n{\"region\":\"KR\"}\n\
             {\"input\":\"+44 7400 123456\"}\n",
        );
        assert_eq!(lines.len(), 7);
        for line in &lines[..6] {
            assert_eq!(line["error"], "bad_request", "{line}");
            assert_eq!(line["ok"], false);
        }
        assert_eq!(lines[6]["ok"], true);
        assert_eq!(lines[6]["country"], "GB");
        assert_eq!(lines[6]["region"], Value::Null);
    }

    #[test]
    fn refusals_carry_their_reason_and_type() {
        let lines = batch(
            "{\"input\":\"070-1234-5678\",\"region\":\"KR\"}\n\
             {\"input\":\"+1 201-555-0123\",\"region\":\"kr\"}\n\
             {\"input\":\"\",\"region\":\"US\"}\r\n",
        );
        assert_eq!(lines[0]["error"], "not_mobile");
        assert_eq!(lines[0]["type"], "voip");
        assert_eq!(lines[0]["valid"], true);
        assert_eq!(lines[0]["e164"], "+827012345678");
        assert_eq!(lines[1]["error"], "foreign_number_in_domestic_mode");
        assert_eq!(lines[1]["country"], "US");
        assert_eq!(lines[2]["error"], "empty");
        assert_eq!(lines[2]["type"], Value::Null);
    }
}

//! The catalog check: `locales/*.yml` is the one place for user-facing text, read by Rust and the UI.
//!
//! It fails when a locale lacks a key another has, when a key's `%{placeholders}` differ between
//! locales, when a value is not text, and when Rust or UI code asks for a key that no locale has.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(untagged)]
enum Node {
    Text(String),
    Table(BTreeMap<String, Node>),
}

/// A locale file flattened to `dotted.key → text`.
type Flat = BTreeMap<String, String>;

/// Runs the whole check and returns a one-paragraph report, or every problem found.
pub fn check(root: &Path) -> Result<String, String> {
    let locales = load_locales(&root.join("locales"))?;
    let mut problems = compare_locales(&locales);
    let all_keys: BTreeSet<&String> = locales.values().flat_map(|flat| flat.keys()).collect();
    let used = used_keys(root)?;
    for (key, place) in &used {
        if !all_keys.contains(key) {
            problems.push(format!("{place} uses `{key}`, which is in no locale"));
        }
    }
    if problems.is_empty() {
        let names: Vec<&String> = locales.keys().collect();
        Ok(format!(
            "catalog: {} keys in each of {names:?}, {} key uses in code, all present",
            all_keys.len(),
            used.len()
        ))
    } else {
        Err(format!("catalog problems:\n  {}", problems.join("\n  ")))
    }
}

fn load_locales(dir: &Path) -> Result<BTreeMap<String, Flat>, String> {
    let mut locales = BTreeMap::new();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yml") {
            continue;
        }
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        locales.insert(
            name,
            parse(&text).map_err(|e| format!("{}: {e}", path.display()))?,
        );
    }
    if locales.len() < 2 {
        return Err(format!("expected ko.yml and en.yml in {}", dir.display()));
    }
    Ok(locales)
}

/// Parses one locale file; every leaf must be text.
fn parse(text: &str) -> Result<Flat, String> {
    let root: BTreeMap<String, Node> =
        serde_saphyr::from_str(text).map_err(|e| format!("not a table of texts: {e}"))?;
    let mut flat = Flat::new();
    flatten("", &root, &mut flat);
    Ok(flat)
}

fn flatten(prefix: &str, table: &BTreeMap<String, Node>, out: &mut Flat) {
    for (key, node) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match node {
            Node::Text(text) => {
                out.insert(full, text.clone());
            }
            Node::Table(inner) => flatten(&full, inner, out),
        }
    }
}

fn compare_locales(locales: &BTreeMap<String, Flat>) -> Vec<String> {
    let mut problems = Vec::new();
    let union: BTreeSet<&String> = locales.values().flat_map(|f| f.keys()).collect();
    for key in union {
        let mut shapes: Vec<(&String, BTreeSet<String>)> = Vec::new();
        for (locale, flat) in locales {
            match flat.get(key) {
                None => problems.push(format!("{locale}.yml lacks `{key}`")),
                Some(text) if text.trim().is_empty() => {
                    problems.push(format!("{locale}.yml has an empty `{key}`"))
                }
                Some(text) => shapes.push((locale, placeholders(text))),
            }
        }
        if let Some((first_locale, first)) = shapes.first() {
            for (locale, other) in &shapes[1..] {
                if other != first {
                    problems.push(format!(
                        "`{key}` has placeholders {first:?} in {first_locale}.yml but {other:?} in {locale}.yml"
                    ));
                }
            }
        }
    }
    problems
}

/// The `%{name}` placeholders of a text (rust-i18n's syntax, also used by the UI).
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find("%{") {
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                found.insert(after[..end].to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    found
}

/// Every literal key passed to `t!("…")` in Rust or `t("…")` / `t('…')` in the UI, with where it is.
fn used_keys(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    for (dir, extensions) in [
        ("src-tauri/src", &["rs"][..]),
        ("crates", &["rs"][..]),
        ("ui/src", &["ts", "svelte"][..]),
    ] {
        collect_files(&root.join(dir), extensions, &mut files);
    }
    let mut used = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let shown = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (line_no, line) in text.lines().enumerate() {
            for key in keys_in_line(line) {
                used.push((key, format!("{shown}:{}", line_no + 1)));
            }
        }
    }
    Ok(used)
}

fn collect_files(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !matches!(name.as_ref(), "node_modules" | "target" | "dist" | "fuzz") {
                collect_files(&path, extensions, out);
            }
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e))
            && !name.contains(".test.")
        {
            out.push(path);
        }
    }
}

/// Finds `t!("key"`, `t("key"` and `t('key'` where `t` is a whole word and the key is a literal.
fn keys_in_line(line: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let word_start = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b'.');
        if bytes[i] == b't' && word_start {
            let mut j = i + 1;
            if bytes.get(j) == Some(&b'!') {
                j += 1;
            }
            if bytes.get(j) == Some(&b'(') {
                j += 1;
                if let Some(&quote) = bytes.get(j).filter(|q| **q == b'"' || **q == b'\'') {
                    let start = j + 1;
                    if let Some(len) = line[start..].find(quote as char) {
                        let key = &line[start..start + len];
                        if !key.is_empty()
                            && key
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
                        {
                            keys.push(key.to_string());
                        }
                    }
                }
            }
        }
        i += 1;
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locales(pairs: &[(&str, &str)]) -> BTreeMap<String, Flat> {
        pairs
            .iter()
            .map(|(name, text)| (name.to_string(), parse(text).unwrap()))
            .collect()
    }

    #[test]
    fn identical_shapes_pass() {
        let l = locales(&[
            ("ko", "a:\n  b: \"안녕 %{name}\"\n"),
            ("en", "a:\n  b: \"Hi %{name}\"\n"),
        ]);
        assert!(compare_locales(&l).is_empty());
    }

    #[test]
    fn a_missing_key_is_reported() {
        let l = locales(&[("ko", "a: 가\nb: 나\n"), ("en", "a: A\n")]);
        let problems = compare_locales(&l);
        assert_eq!(problems, vec!["en.yml lacks `b`".to_string()]);
    }

    #[test]
    fn a_placeholder_mismatch_is_reported() {
        let l = locales(&[("ko", "a: \"%{count}개\"\n"), ("en", "a: \"%{n} items\"\n")]);
        assert_eq!(compare_locales(&l).len(), 1);
    }

    #[test]
    fn non_text_leaves_are_refused() {
        assert!(parse("a: [1, 2]\n").is_err());
    }

    #[test]
    fn keys_are_found_in_rust_and_ui_calls() {
        assert_eq!(
            keys_in_line(r#"let s = t!("app.title", locale = "ko");"#),
            vec!["app.title"]
        );
        assert_eq!(
            keys_in_line(r#"<h1>{t('home.heading')}</h1>"#),
            vec!["home.heading"]
        );
        assert_eq!(keys_in_line(r#"{t("a.b")} {t('c')}"#), vec!["a.b", "c"]);
        assert!(keys_in_line(r#"format(x); bt("x"); i.t("y")"#).is_empty());
        assert!(keys_in_line("t(`dynamic.${code}`)").is_empty());
    }
}

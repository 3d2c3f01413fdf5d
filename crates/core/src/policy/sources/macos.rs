//! The policy as macOS managed preferences hold it: the forced preferences that configuration
//! profiles write under `/Library/Managed Preferences`, for the machine and for the real user.

use super::{read_capped, Layer, Problem, ProblemKind, Source, PREFERENCE_DOMAIN};
use serde_json::{Map, Value};
use std::path::PathBuf;

/// Only forced managed preferences count: they are written by MDM (or `mcxrefresh`) into a
/// root-owned folder. What a user can set with `defaults write` is not policy.
pub(super) fn read_all() -> Vec<Layer> {
    let file = format!("{PREFERENCE_DOMAIN}.plist");
    let root = PathBuf::from("/Library/Managed Preferences");
    let mut layers = Vec::new();
    layers.extend(read(root.join(&file), Source::ManagedPreferences));
    // The real user, not `$USER`, which whoever starts the app can set (see `os_user`).
    if let Some(user) = super::super::os_user::current_user_name() {
        layers.extend(read(
            root.join(user).join(&file),
            Source::UserManagedPreferences,
        ));
    }
    layers
}

fn read(path: PathBuf, source: Source) -> Option<Layer> {
    let failed = |kind| {
        let mut layer = Layer::new(source);
        layer.problems.push(Problem::new(source, None, kind));
        Some(layer)
    };
    let bytes = match read_capped(&path) {
        Ok(None) => return None,
        Ok(Some(bytes)) => bytes,
        Err(kind) => return failed(kind),
    };
    match plist::Value::from_reader(std::io::Cursor::new(bytes)) {
        Ok(plist::Value::Dictionary(dict)) => {
            let mut object = Map::new();
            for (name, value) in dict {
                // Profile bookkeeping (`PayloadUUID`…) that some MDMs copy along.
                if !name.starts_with("Payload") {
                    object.insert(name, to_json(value, 0));
                }
            }
            Some(Layer::from_object(source, object))
        }
        Ok(_) => failed(ProblemKind::NotAnObject),
        Err(_) => failed(ProblemKind::InvalidJson { line: 0, column: 0 }),
    }
}

/// A plist value as JSON; dates, data and anything deeper than policy ever nests become
/// `null`, which the key checks then refuse as the wrong type.
fn to_json(value: plist::Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    match value {
        plist::Value::Dictionary(dict) => Value::Object(
            dict.into_iter()
                .map(|(k, v)| (k, to_json(v, depth + 1)))
                .collect(),
        ),
        plist::Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| to_json(v, depth + 1)).collect())
        }
        plist::Value::Boolean(b) => Value::Bool(b),
        plist::Value::String(s) => Value::String(s),
        plist::Value::Integer(i) => i
            .as_signed()
            .map(Value::from)
            .or_else(|| i.as_unsigned().map(Value::from))
            .unwrap_or(Value::Null),
        plist::Value::Real(r) => serde_json::Number::from_f64(r)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

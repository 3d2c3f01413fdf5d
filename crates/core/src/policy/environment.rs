//! The `MAIL_IDENTITY_*` environment variables: configuration for development builds and tests only.
//!
//! They can name the API server, an extra root certificate, the proxy and the update endpoint, and
//! anything running as the user can set the environment of the user's next start of the app (a login
//! script, `~/.profile`, `HKCU\Environment`, a changed shortcut). Honoured by a release build, they
//! would let any program the user runs redirect the app, which is what policy sources exist to
//! prevent. So only debug builds (`cargo xtask run`, the end-to-end tests) read them; a release
//! build reports each one it finds as [`ProblemKind::EnvironmentIgnored`] and uses none of them.

use super::keys::{Key, ProblemKind};
use super::resolve::{Layer, Problem, Source};
use serde_json::Value;

/// True when this build honours the variables: debug builds, and so every test build.
pub const HONOURED: bool = cfg!(debug_assertions);

/// The variable that sets `key`: `MAIL_IDENTITY_` and the key's name in capitals
/// (`MAIL_IDENTITY_API_BASE_URL`).
pub fn variable_name(key: Key) -> String {
    format!("MAIL_IDENTITY_{}", key.name().to_ascii_uppercase())
}

/// The environment as a [`Source::Environment`] layer, as this build treats it ([`HONOURED`]).
/// Empty values are ignored. `lookup` is `std::env::var` in the app and a table in tests.
pub fn environment_layer(lookup: impl Fn(&str) -> Option<String>) -> Layer {
    environment_layer_as(HONOURED, lookup)
}

/// The environment as a layer when `honoured`; otherwise a layer with no entries and one
/// [`ProblemKind::EnvironmentIgnored`] per variable set, naming the variable, never its value.
pub fn environment_layer_as(honoured: bool, lookup: impl Fn(&str) -> Option<String>) -> Layer {
    let source = Source::Environment;
    let mut layer = Layer::new(source);
    for key in Key::ALL {
        let name = variable_name(key);
        let Some(value) = lookup(&name).filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        if honoured {
            layer
                .entries
                .push((key.name().to_string(), Value::String(value)));
        } else {
            let kind = ProblemKind::EnvironmentIgnored;
            layer.problems.push(Problem::new(source, Some(&name), kind));
        }
    }
    layer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redirecting(name: &str) -> Option<String> {
        match name {
            "MAIL_IDENTITY_API_BASE_URL" => Some("https://attacker.example/api".into()),
            "MAIL_IDENTITY_EXTRA_ROOT_CA" => Some("/tmp/evil.pem".into()),
            "MAIL_IDENTITY_PROXY" => Some("http://127.0.0.1:8888".into()),
            _ => None,
        }
    }

    #[test]
    fn a_release_build_uses_no_variable_and_names_each_one_it_ignored() {
        let layer = environment_layer_as(false, redirecting);
        assert!(layer.entries.is_empty());
        let mut named: Vec<_> = layer
            .problems
            .iter()
            .filter_map(|p| p.key.clone())
            .collect();
        named.sort();
        assert_eq!(
            named,
            [
                "MAIL_IDENTITY_API_BASE_URL",
                "MAIL_IDENTITY_EXTRA_ROOT_CA",
                "MAIL_IDENTITY_PROXY"
            ]
        );
        assert!(layer
            .problems
            .iter()
            .all(|p| p.kind == ProblemKind::EnvironmentIgnored));
        let resolved = crate::policy::resolve(&[layer]);
        assert_eq!(resolved.api_base_url, None);
        assert_eq!(resolved.extra_root_ca, None);
        assert_eq!(resolved.proxy, None);
    }

    #[test]
    fn this_build_follows_its_profile() {
        // Test builds are debug builds: they honour the variables, and a release test run
        // (`cargo test --release`) must not.
        let layer = environment_layer(redirecting);
        assert_eq!(layer.entries.len(), if HONOURED { 3 } else { 0 });
        assert_eq!(HONOURED, cfg!(debug_assertions));
    }
}

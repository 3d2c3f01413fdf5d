//! Policy: every key's valid and refused values, the precedence of the sources, the readers'
//! handling of malformed and hostile input, and that no key can give consent.

use mail_identity_core::locale::Locale;
use mail_identity_core::policy::keys::{Expected, DEFAULT_DRAFT_LIFETIME_DAYS};
use mail_identity_core::policy::sources::{
    parse_policy_file, registry_layer, RegistryKind, RegistryValue, RegistryValueSpec,
    MAX_FILE_BYTES, MAX_REGISTRY_TEXT_BYTES, REGISTRY_VALUES,
};
use mail_identity_core::policy::{
    environment_layer, policy_file_layer, policy_file_path, resolve, Key, Layer, LocalizedText,
    LogLevel, Problem, ProblemKind, Reason, Resolved, Source,
};
use serde_json::{json, Value};

const ALL_SOURCES: [Source; 8] = [
    Source::HklmPolicy,
    Source::HkcuPolicy,
    Source::ManagedPreferences,
    Source::UserManagedPreferences,
    Source::PolicyFile,
    Source::Environment,
    Source::UserSettings,
    Source::Default,
];

fn one(key: &str, value: Value) -> Resolved {
    resolve(&[Layer::new(Source::HklmPolicy).with(key, value)])
}

/// The problems' (key, kind) pairs.
fn problems(resolved: &Resolved) -> Vec<(Option<String>, ProblemKind)> {
    resolved
        .problems
        .iter()
        .map(|p| (p.key.clone(), p.kind.clone()))
        .collect()
}

fn refused(key: &str, value: Value) -> ProblemKind {
    let resolved = one(key, value);
    let found = problems(&resolved);
    assert_eq!(found.len(), 1, "{key}: {found:?}");
    assert_eq!(found[0].0.as_deref(), Some(key));
    found[0].1.clone()
}

fn invalid(reason: Reason) -> ProblemKind {
    ProblemKind::InvalidValue { reason }
}

mod precedence {
    use super::*;

    #[test]
    fn every_source_beats_every_lower_one() {
        // The table: for each pair of sources, the higher one's value is the effective one,
        // whichever order the layers are handed in.
        for (i, high) in ALL_SOURCES.iter().enumerate() {
            for low in &ALL_SOURCES[i + 1..] {
                let layers = [
                    Layer::new(*low).with("draft_lifetime_days", 20),
                    Layer::new(*high).with("draft_lifetime_days", 10),
                ];
                let mut reversed = layers.clone();
                reversed.reverse();
                for set in [&layers[..], &reversed[..]] {
                    let resolved = resolve(set);
                    assert_eq!(
                        resolved.draft_lifetime_days.value, 10,
                        "{high:?} over {low:?}"
                    );
                    assert_eq!(resolved.draft_lifetime_days.source, *high);
                }
            }
        }
    }

    #[test]
    fn the_managed_sources_are_exactly_the_administrators() {
        let managed: Vec<Source> = ALL_SOURCES.into_iter().filter(|s| s.is_managed()).collect();
        assert_eq!(
            managed,
            [
                Source::HklmPolicy,
                Source::HkcuPolicy,
                Source::ManagedPreferences,
                Source::UserManagedPreferences,
                Source::PolicyFile
            ]
        );
    }

    #[test]
    fn defaults_when_nothing_is_set() {
        let resolved = resolve(&[]);
        assert_eq!(resolved.api_base_url, None);
        assert_eq!(resolved.webmail_url, None);
        assert_eq!(resolved.helpdesk, None);
        assert_eq!(resolved.default_locale, None);
        assert_eq!(resolved.allowed_locales.value, vec![Locale::Ko, Locale::En]);
        assert_eq!(
            resolved.draft_lifetime_days.value,
            DEFAULT_DRAFT_LIFETIME_DAYS
        );
        assert!(resolved.updates.value.enabled);
        assert_eq!(resolved.updates.value.endpoint, None);
        assert_eq!(resolved.log_level.value, LogLevel::Info);
        for key in Key::ALL {
            assert!(!resolved.is_managed(key));
            assert!(matches!(
                resolved.source_of(key),
                None | Some(Source::Default)
            ));
        }
        assert!(resolved.problems.is_empty());
    }

    #[test]
    fn user_settings_apply_to_keys_no_administrator_set() {
        let resolved = resolve(&[
            Layer::new(Source::PolicyFile).with("proxy", "http://proxy.corp.example:8080"),
            Layer::new(Source::UserSettings).with("log_level", "debug"),
        ]);
        assert_eq!(resolved.log_level.value, LogLevel::Debug);
        assert_eq!(resolved.log_level.source, Source::UserSettings);
        assert!(!resolved.is_managed(Key::LogLevel));
        assert!(!resolved.log_level.is_managed());
        assert!(resolved.is_managed(Key::Proxy));
        assert!(resolved.proxy.as_ref().unwrap().is_managed());
    }

    #[test]
    fn a_refused_managed_value_locks_the_key_and_falls_back_to_the_default_not_the_user() {
        let resolved = resolve(&[
            Layer::new(Source::HklmPolicy).with("draft_lifetime_days", 365),
            Layer::new(Source::UserSettings).with("draft_lifetime_days", 30),
        ]);
        assert_eq!(
            resolved.draft_lifetime_days.value,
            DEFAULT_DRAFT_LIFETIME_DAYS
        );
        assert_eq!(resolved.draft_lifetime_days.source, Source::Default);
        assert!(resolved.is_managed(Key::DraftLifetimeDays));
        assert_eq!(resolved.problems.len(), 1);
        assert_eq!(resolved.problems[0].source, Source::HklmPolicy);
    }

    #[test]
    fn a_refused_managed_value_falls_back_to_a_lower_managed_source() {
        let resolved = resolve(&[
            Layer::new(Source::HklmPolicy).with("api_base_url", "http://mail.corp.example/api"),
            Layer::new(Source::PolicyFile).with("api_base_url", "https://mail.corp.example/api"),
        ]);
        let url = resolved.api_base_url.unwrap();
        assert_eq!(url.value, "https://mail.corp.example/api");
        assert_eq!(url.source, Source::PolicyFile);
    }

    #[test]
    fn the_environment_does_not_override_a_managed_key() {
        let resolved = resolve(&[
            Layer::new(Source::Environment).with("api_base_url", "http://127.0.0.1:8787"),
            Layer::new(Source::HkcuPolicy).with("api_base_url", "https://mail.corp.example"),
        ]);
        assert_eq!(resolved.api_base_url.unwrap().source, Source::HkcuPolicy);
    }

    #[test]
    fn composite_keys_are_taken_whole_from_one_source() {
        let resolved = resolve(&[
            Layer::new(Source::HklmPolicy).with("helpdesk.phone", "02-1234-5678"),
            Layer::new(Source::PolicyFile).with(
                "helpdesk",
                json!({"phone": "1588-0000", "url": "https://help.corp.example"}),
            ),
        ]);
        let helpdesk = resolved.helpdesk.unwrap();
        assert_eq!(helpdesk.source, Source::HklmPolicy);
        assert_eq!(
            helpdesk.value.phone,
            Some(LocalizedText::same("02-1234-5678"))
        );
        assert_eq!(helpdesk.value.url, None);
    }

    #[test]
    fn a_key_set_only_in_a_lower_managed_source_is_still_managed() {
        let resolved = resolve(&[
            Layer::new(Source::HklmPolicy).with("api_base_url", "https://a.example"),
            Layer::new(Source::PolicyFile).with("webmail_url", "https://b.example"),
        ]);
        assert_eq!(
            resolved.source_of(Key::WebmailUrl),
            Some(Source::PolicyFile)
        );
        assert!(resolved.is_managed(Key::WebmailUrl));
        assert!(!resolved.is_managed(Key::Helpdesk));
    }
}

mod locales {
    use super::*;

    #[test]
    fn default_locale_outside_the_allowed_ones_is_reported_and_dropped() {
        let resolved = resolve(&[
            Layer::new(Source::HklmPolicy).with("allowed_locales", json!(["en"])),
            Layer::new(Source::PolicyFile).with("default_locale", "ko"),
        ]);
        assert_eq!(resolved.default_locale, None);
        assert_eq!(
            problems(&resolved),
            [(
                Some("default_locale".into()),
                invalid(Reason::NotAllowedLocale)
            )]
        );
        assert_eq!(
            resolved.effective_locale(Some("ko"), Some("ko-KR")),
            Locale::En
        );
    }

    #[test]
    fn effective_locale_prefers_the_users_allowed_choice_then_policy_then_os() {
        let resolved = resolve(&[Layer::new(Source::HklmPolicy).with("default_locale", "en")]);
        assert_eq!(resolved.effective_locale(Some("ko"), None), Locale::Ko);
        assert_eq!(resolved.effective_locale(None, Some("ko-KR")), Locale::En);
        assert_eq!(resolved.effective_locale(Some("fr"), None), Locale::En);
        let bare = resolve(&[]);
        assert_eq!(bare.effective_locale(None, Some("en-US")), Locale::En);
        assert_eq!(bare.effective_locale(None, None), Locale::Ko);
        let english_only = resolve(&[Layer::new(Source::HklmPolicy).with("allowed_locales", "en")]);
        assert_eq!(
            english_only.effective_locale(None, Some("ko-KR")),
            Locale::En
        );
    }

    #[test]
    fn allowed_locales_accept_lists_and_comma_text_and_drop_repeats() {
        for value in [
            json!(["ko", "en"]),
            json!("ko, en"),
            json!(["ko", "EN", "ko"]),
        ] {
            let resolved = one("allowed_locales", value);
            assert_eq!(resolved.allowed_locales.value, vec![Locale::Ko, Locale::En]);
        }
    }

    #[test]
    fn allowed_locales_refuse_unknown_empty_and_wrong_types() {
        assert_eq!(
            refused("allowed_locales", json!(["ko", "ja"])),
            invalid(Reason::UnknownLocale)
        );
        assert_eq!(
            refused("allowed_locales", json!([])),
            invalid(Reason::EmptyList)
        );
        assert_eq!(
            refused("allowed_locales", json!(" , ")),
            invalid(Reason::EmptyList)
        );
        assert_eq!(
            refused("allowed_locales", json!(3)),
            ProblemKind::WrongType {
                expected: Expected::TextList
            }
        );
        assert_eq!(
            refused("allowed_locales", json!([["ko"]])),
            ProblemKind::WrongType {
                expected: Expected::Text
            }
        );
    }

    #[test]
    fn default_locale_accepts_region_variants_and_refuses_others() {
        assert_eq!(
            one("default_locale", json!("en-US"))
                .default_locale
                .unwrap()
                .value,
            Locale::En
        );
        assert_eq!(
            refused("default_locale", json!("ja")),
            invalid(Reason::UnknownLocale)
        );
    }
}

mod values {
    use super::*;

    #[test]
    fn api_base_url_must_be_https() {
        let url = one("api_base_url", json!(" https://mail.corp.example/api/ "));
        assert_eq!(
            url.api_base_url.unwrap().value,
            "https://mail.corp.example/api"
        );
        assert_eq!(
            refused("api_base_url", json!("http://mail.corp.example")),
            ProblemKind::Insecure
        );
        assert_eq!(
            refused("api_base_url", json!("ftp://mail.corp.example")),
            ProblemKind::Insecure
        );
        assert_eq!(
            refused("api_base_url", json!("file:///etc/passwd")),
            invalid(Reason::NotAUrl)
        );
        assert_eq!(
            refused("api_base_url", json!("javascript:alert(1)")),
            invalid(Reason::NotAUrl)
        );
        assert_eq!(
            refused("api_base_url", json!("mail.corp.example")),
            invalid(Reason::NotAUrl)
        );
    }

    #[test]
    fn http_is_allowed_only_to_loopback() {
        for url in [
            "http://127.0.0.1:8787",
            "http://localhost:8787/api",
            "http://[::1]:8787",
        ] {
            assert!(one("api_base_url", json!(url)).problems.is_empty(), "{url}");
        }
        for url in [
            "http://127.0.0.1.example.com",
            "http://10.0.0.1",
            "http://localhost.corp",
        ] {
            assert_eq!(
                refused("api_base_url", json!(url)),
                ProblemKind::Insecure,
                "{url}"
            );
        }
    }

    #[test]
    fn api_base_url_refuses_credentials_query_and_fragment() {
        assert_eq!(
            refused("api_base_url", json!("https://admin:pw@mail.corp.example")),
            invalid(Reason::CredentialsInUrl)
        );
        assert_eq!(
            refused("api_base_url", json!("https://mail.corp.example/api?x=1")),
            invalid(Reason::QueryOrFragment)
        );
        assert_eq!(
            refused("api_base_url", json!("https://mail.corp.example/api#x")),
            invalid(Reason::QueryOrFragment)
        );
    }

    #[test]
    fn urls_refuse_wrong_types_empty_control_characters_and_huge_text() {
        assert_eq!(
            refused("webmail_url", json!(443)),
            ProblemKind::WrongType {
                expected: Expected::Text
            }
        );
        assert_eq!(refused("webmail_url", json!("  ")), invalid(Reason::Empty));
        assert_eq!(
            refused("webmail_url", json!("https://a.example/\u{7}")),
            invalid(Reason::ControlCharacters)
        );
        let huge = format!("https://a.example/{}", "a".repeat(5000));
        assert_eq!(
            refused("webmail_url", json!(huge)),
            ProblemKind::TooLarge { limit: 2048 }
        );
        assert_eq!(
            refused("webmail_url", json!("http://mail.corp.example")),
            ProblemKind::Insecure
        );
    }

    #[test]
    fn proxy_accepts_http_https_and_socks5_without_credentials() {
        for url in [
            "http://proxy:8080",
            "https://proxy:8443",
            "socks5://proxy:1080",
            "socks5h://p:1",
        ] {
            assert_eq!(one("proxy", json!(url)).proxy.unwrap().value, url);
        }
        assert_eq!(
            refused("proxy", json!("ftp://proxy:21")),
            invalid(Reason::SchemeNotAllowed)
        );
        assert_eq!(
            refused("proxy", json!("http://user:secret@proxy:8080")),
            invalid(Reason::CredentialsInUrl)
        );
    }

    #[test]
    fn extra_root_ca_is_an_absolute_path_on_any_os() {
        for path in [
            "/etc/ssl/corp-root.pem",
            r"C:\ProgramData\Corp\root.pem",
            "C:/certs/root.pem",
            r"\\fileserver\certs\root.pem",
        ] {
            assert_eq!(
                one("extra_root_ca", json!(path))
                    .extra_root_ca
                    .unwrap()
                    .value,
                path
            );
        }
        for path in [
            "root.pem",
            r"..\root.pem",
            "%ProgramData%\\root.pem",
            "C:root.pem",
        ] {
            assert_eq!(
                refused("extra_root_ca", json!(path)),
                invalid(Reason::NotAnAbsolutePath),
                "{path}"
            );
        }
    }

    #[test]
    fn draft_lifetime_days_is_an_integer_from_1_to_90() {
        for (value, days) in [
            (json!(1), 1),
            (json!(90), 90),
            (json!("14"), 14),
            (json!(" 30 "), 30),
        ] {
            assert_eq!(
                one("draft_lifetime_days", value).draft_lifetime_days.value,
                days
            );
        }
        let range = invalid(Reason::OutOfRange { min: 1, max: 90 });
        for value in [json!(0), json!(91), json!(-1), json!(u64::MAX), json!("0")] {
            assert_eq!(refused("draft_lifetime_days", value), range);
        }
        let integer = ProblemKind::WrongType {
            expected: Expected::Integer,
        };
        for value in [
            json!(7.5),
            json!(true),
            json!("seven"),
            json!([7]),
            json!(null),
        ] {
            assert_eq!(refused("draft_lifetime_days", value), integer);
        }
    }

    #[test]
    fn default_overseas_country_is_a_known_iso_code() {
        let country = one("default_overseas_country", json!("us"));
        assert_eq!(country.default_overseas_country.unwrap().value, "US");
        for code in ["XX", "USA", "U1", "", "🇺🇸"] {
            let kind = refused("default_overseas_country", json!(code));
            assert!(
                matches!(kind, ProblemKind::InvalidValue { .. }),
                "{code}: {kind:?}"
            );
        }
    }

    #[test]
    fn log_level_has_no_trace() {
        assert_eq!(
            one("log_level", json!("WARN")).log_level.value,
            LogLevel::Warn
        );
        assert_eq!(
            one("log_level", json!("debug")).log_level.value,
            LogLevel::Debug
        );
        assert_eq!(
            refused("log_level", json!("trace")),
            invalid(Reason::UnknownLogLevel)
        );
    }

    #[test]
    fn updates_take_an_object_or_a_boolean() {
        let off = one("updates", json!({"enabled": false}));
        assert!(!off.updates.value.enabled);
        assert!(off.is_managed(Key::Updates));
        for value in [json!(false), json!(0), json!("false")] {
            assert!(!one("updates", value).updates.value.enabled);
        }
        let mirror = one(
            "updates",
            json!({"enabled": "1", "endpoint": "https://upd.corp.example/{{target}}/{{arch}}/{{current_version}}"}),
        );
        assert!(mirror.updates.value.enabled);
        assert!(mirror
            .updates
            .value
            .endpoint
            .unwrap()
            .contains("{{target}}"));
    }

    #[test]
    fn an_insecure_update_endpoint_is_dropped_and_the_rest_kept() {
        let resolved = one(
            "updates",
            json!({"enabled": true, "endpoint": "http://upd.corp.example/latest.json"}),
        );
        assert!(resolved.updates.value.enabled);
        assert_eq!(resolved.updates.value.endpoint, None);
        assert_eq!(
            problems(&resolved),
            [(Some("updates.endpoint".into()), ProblemKind::Insecure)]
        );
        assert_eq!(
            refused("updates", json!({})),
            invalid(Reason::NoUsableField)
        );
        assert_eq!(
            refused("updates", json!([true])),
            ProblemKind::WrongType {
                expected: Expected::ObjectOrBoolean
            }
        );
    }

    #[test]
    fn helpdesk_fields_are_text_or_per_locale() {
        let resolved = one(
            "helpdesk",
            json!({
                "phone": "02-1234-5678 (내선 2)",
                "url": {"ko": "https://help.corp.example/ko", "en": "https://help.corp.example/en"},
                "hours": {"en": "Weekdays 9:00-18:00"}
            }),
        );
        assert!(resolved.problems.is_empty(), "{:?}", resolved.problems);
        let helpdesk = resolved.helpdesk.unwrap().value;
        assert_eq!(
            helpdesk.phone.unwrap().get(Locale::En),
            "02-1234-5678 (내선 2)"
        );
        let url = helpdesk.url.unwrap();
        assert_eq!(url.get(Locale::Ko), "https://help.corp.example/ko");
        assert_eq!(url.get(Locale::En), "https://help.corp.example/en");
        assert_eq!(
            helpdesk.hours.unwrap().get(Locale::Ko),
            "Weekdays 9:00-18:00"
        );
    }

    #[test]
    fn a_refused_helpdesk_field_is_reported_and_the_others_kept() {
        let resolved = one(
            "helpdesk",
            json!({"phone": "1588-0000", "url": "http://help.corp.example", "fax": "02-000"}),
        );
        let helpdesk = resolved.helpdesk.clone().unwrap().value;
        assert_eq!(helpdesk.phone, Some(LocalizedText::same("1588-0000")));
        assert_eq!(helpdesk.url, None);
        let mut found = problems(&resolved);
        found.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            found,
            [
                (Some("helpdesk.fax".into()), ProblemKind::UnknownKey),
                (Some("helpdesk.url".into()), ProblemKind::Insecure),
            ]
        );
    }

    #[test]
    fn an_unusable_helpdesk_is_refused() {
        assert_eq!(
            refused("helpdesk", json!({})),
            invalid(Reason::NoUsableField)
        );
        assert_eq!(
            refused("helpdesk", json!("02-1234-5678")),
            ProblemKind::WrongType {
                expected: Expected::Object
            }
        );
        let long = "1".repeat(65);
        let resolved = one("helpdesk", json!({ "phone": long }));
        assert_eq!(resolved.helpdesk, None);
        assert_eq!(resolved.problems.len(), 2);
    }

    #[test]
    fn dotted_names_build_nested_values() {
        let resolved = resolve(&[Layer::new(Source::HklmPolicy)
            .with("Helpdesk.Phone.ko", "02-1234-5678")
            .with("helpdesk.phone.en", "+82 2-1234-5678")
            .with("updates.enabled", 0)]);
        assert!(resolved.problems.is_empty(), "{:?}", resolved.problems);
        let phone = resolved.helpdesk.unwrap().value.phone.unwrap();
        assert_eq!(phone.get(Locale::Ko), "02-1234-5678");
        assert_eq!(phone.get(Locale::En), "+82 2-1234-5678");
        assert!(!resolved.updates.value.enabled);
    }

    #[test]
    fn the_same_key_twice_in_one_source_keeps_the_first() {
        let resolved = resolve(&[Layer::new(Source::HklmPolicy)
            .with("API_BASE_URL", "https://first.example")
            .with("api_base_url", "https://second.example")
            .with("helpdesk", json!({"phone": "1"}))
            .with("helpdesk.url", "https://help.example")]);
        assert_eq!(
            resolved.api_base_url.clone().unwrap().value,
            "https://first.example"
        );
        assert_eq!(
            problems(&resolved),
            [
                (Some("api_base_url".into()), ProblemKind::Duplicate),
                (Some("helpdesk.url".into()), ProblemKind::Duplicate),
            ]
        );
    }
}

mod hostile {
    use super::*;

    #[test]
    fn unknown_keys_are_reported_and_ignored() {
        let resolved = resolve(&[Layer::new(Source::PolicyFile)
            .with("colour", "blue")
            .with("api_base_url", "https://mail.corp.example")]);
        assert_eq!(
            problems(&resolved),
            [(Some("colour".into()), ProblemKind::UnknownKey)]
        );
        assert!(resolved.api_base_url.is_some());
    }

    #[test]
    fn no_key_gives_consent() {
        for key in Key::ALL {
            assert!(!key.name().contains("consent") && !key.name().contains("agree"));
        }
        let attempts = [
            "consent",
            "auto_consent",
            "AutoConsent",
            "agree",
            "agreed_to_notice",
            "accept_notice",
            "opt_in",
            "consent.given",
            "동의",
        ];
        for source in ALL_SOURCES {
            let mut layer = Layer::new(source);
            for name in attempts {
                layer = layer.with(name, true);
            }
            let resolved = resolve(&[layer]);
            assert_eq!(resolved.problems.len(), attempts.len());
            assert!(resolved
                .problems
                .iter()
                .all(|p| p.kind == ProblemKind::ConsentNotAllowed && p.source == source));
            assert!(resolved.managed.is_empty());
            assert_eq!(resolved.clone(), {
                let mut bare = resolve(&[]);
                bare.problems = resolved.problems.clone();
                bare
            });
        }
        let nested = one("helpdesk", json!({"phone": "1", "consent": true}));
        assert!(problems(&nested).contains(&(
            Some("helpdesk.consent".into()),
            ProblemKind::ConsentNotAllowed
        )));
    }

    #[test]
    fn reports_never_carry_the_value() {
        let resolved = resolve(&[Layer::new(Source::HklmPolicy)
            .with("api_base_url", "http://secret-host.example")
            .with("proxy", "http://someone:hunter2@proxy")
            .with("mystery", "hunter2")]);
        let report = serde_json::to_string(&resolved.problems).unwrap();
        assert!(
            !report.contains("secret-host") && !report.contains("hunter2"),
            "{report}"
        );
        assert_eq!(resolved.problems.len(), 3);
    }

    #[test]
    fn hostile_key_names_are_cut_and_escaped() {
        let long = "x".repeat(100_000);
        let resolved = resolve(&[Layer::new(Source::PolicyFile)
            .with(long, 1)
            .with("evil\u{1b}[2J\u{202e}name", 1)]);
        let keys: Vec<String> = resolved
            .problems
            .iter()
            .filter_map(|p| p.key.clone())
            .collect();
        assert_eq!(keys[0].chars().count(), 65);
        assert!(keys[0].ends_with('…'));
        assert!(!keys[1].contains('\u{1b}') && !keys[1].contains('\u{202e}'));
        assert!(keys[1].contains("\\u{1b}"));
    }

    #[test]
    fn too_many_entries_are_cut_and_reported_once() {
        let mut layer = Layer::new(Source::HklmPolicy);
        for i in 0..10_000 {
            layer = layer.with(format!("junk{i}"), i);
        }
        let resolved = resolve(&[layer]);
        assert!(resolved.problems.contains(&Problem::new(
            Source::HklmPolicy,
            None,
            ProblemKind::TooLarge { limit: 256 }
        )));
        assert_eq!(resolved.problems.len(), 257);
    }

    #[test]
    fn deeply_nested_values_are_a_wrong_type_not_a_crash() {
        let mut deep = json!("x");
        for _ in 0..100 {
            deep = json!([deep]);
        }
        for key in Key::ALL {
            let resolved = one(key.name(), deep.clone());
            assert_eq!(resolved.problems.len(), 1, "{key:?}");
        }
    }
}

mod files {
    use super::*;
    use std::io::Write;

    fn kinds(layer: &Layer) -> Vec<ProblemKind> {
        layer.problems.iter().map(|p| p.kind.clone()).collect()
    }

    #[test]
    fn a_policy_file_is_a_json_object() {
        let layer = parse_policy_file(
            br#"{"api_base_url": "https://mail.corp.example/api", "helpdesk": {"phone": "1588-0000"}}"#,
        );
        let resolved = resolve(&[layer]);
        assert!(resolved.problems.is_empty());
        assert_eq!(
            resolved.source_of(Key::ApiBaseUrl),
            Some(Source::PolicyFile)
        );
        assert!(resolved.is_managed(Key::Helpdesk));
    }

    #[test]
    fn byte_order_marks_and_utf16_are_read() {
        let text = r#"{"log_level": "warn"}"#;
        let mut utf8 = vec![0xEF, 0xBB, 0xBF];
        utf8.extend_from_slice(text.as_bytes());
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        for bytes in [utf8, le, be] {
            assert_eq!(
                resolve(&[parse_policy_file(&bytes)]).log_level.value,
                LogLevel::Warn
            );
        }
    }

    #[test]
    fn malformed_files_are_reported_and_ignored() {
        assert_eq!(
            kinds(&parse_policy_file(b"{\"log_level\": \xff}")),
            [ProblemKind::InvalidUtf8]
        );
        for text in ["[]", "\"api_base_url\"", "null", "42"] {
            assert_eq!(
                kinds(&parse_policy_file(text.as_bytes())),
                [ProblemKind::NotAnObject]
            );
        }
        assert_eq!(
            kinds(&parse_policy_file(b"{\n  \"log_level\": \"warn\",\n}")),
            [ProblemKind::InvalidJson { line: 3, column: 1 }]
        );
        assert!(matches!(
            kinds(&parse_policy_file(b""))[..],
            [ProblemKind::InvalidJson { .. }]
        ));
    }

    #[test]
    fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
        let deep = format!(
            "{{\"helpdesk\": {}{}}}",
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        // Over the size cap, so also try one under it.
        let smaller = format!("{}{}", "[".repeat(30_000), "]".repeat(30_000));
        assert!(matches!(
            kinds(&parse_policy_file(deep.as_bytes()))[..],
            [ProblemKind::TooLarge { .. }]
        ));
        assert!(matches!(
            kinds(&parse_policy_file(smaller.as_bytes()))[..],
            [ProblemKind::InvalidJson { .. }]
        ));
    }

    #[test]
    fn a_huge_file_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.json");
        // A sparse 4 GiB file: reading it would take long and a lot of memory.
        std::fs::File::create(&path)
            .unwrap()
            .set_len(4 << 30)
            .unwrap();
        let layer = policy_file_layer(&path).unwrap();
        assert_eq!(
            kinds(&layer),
            [ProblemKind::TooLarge {
                limit: MAX_FILE_BYTES as usize
            }]
        );
    }

    #[test]
    fn a_missing_file_is_no_layer_and_a_folder_is_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(policy_file_layer(&dir.path().join("policy.json")), None);
        assert_eq!(
            kinds(&policy_file_layer(dir.path()).unwrap()),
            [ProblemKind::Unreadable]
        );
    }

    #[test]
    fn a_file_on_disk_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.json");
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(br#"{"draft_lifetime_days": 14}"#).unwrap();
        let resolved = resolve(&[policy_file_layer(&path).unwrap()]);
        assert_eq!(resolved.draft_lifetime_days.value, 14);
        assert_eq!(resolved.draft_lifetime_days.source, Source::PolicyFile);
    }

    #[test]
    fn the_policy_file_path_is_system_wide() {
        let path = policy_file_path();
        assert!(path.is_absolute());
        assert!(path.ends_with("policy.json"));
    }
}

mod registry {
    use super::*;

    #[test]
    fn registry_types_map_to_policy_values() {
        let layer = registry_layer(
            Source::HklmPolicy,
            vec![
                (
                    "api_base_url".into(),
                    RegistryValue::Text("https://mail.corp.example".into()),
                ),
                ("draft_lifetime_days".into(), RegistryValue::Dword(14)),
                ("updates.enabled".into(), RegistryValue::Dword(0)),
                (
                    "allowed_locales".into(),
                    RegistryValue::MultiText(vec!["ko".into(), "en".into()]),
                ),
                ("log_level".into(), RegistryValue::Qword(1)),
                (
                    "helpdesk.phone.ko".into(),
                    RegistryValue::Text("02-1234-5678".into()),
                ),
                ("webmail_url".into(), RegistryValue::Other),
                ("proxy".into(), RegistryValue::Text("x".repeat(100_000))),
            ],
        );
        let resolved = resolve(&[layer]);
        assert_eq!(resolved.draft_lifetime_days.value, 14);
        assert!(!resolved.updates.value.enabled);
        assert_eq!(resolved.allowed_locales.source, Source::HklmPolicy);
        assert!(resolved.helpdesk.is_some());
        let mut found = problems(&resolved);
        found.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            found,
            [
                (
                    Some("log_level".into()),
                    ProblemKind::WrongType {
                        expected: Expected::Text
                    }
                ),
                (Some("proxy".into()), ProblemKind::TooLarge { limit: 8192 }),
                (
                    Some("webmail_url".into()),
                    ProblemKind::WrongType {
                        expected: Expected::Text
                    }
                ),
            ]
        );
        // A value of a type policy does not read still locks its key.
        assert!(resolved.is_managed(Key::WebmailUrl));
    }

    /// A spec's example as the registry holds it when Group Policy writes it.
    fn as_written(spec: &RegistryValueSpec) -> RegistryValue {
        match spec.kind {
            RegistryKind::Integer { .. } | RegistryKind::Boolean => {
                RegistryValue::Dword(spec.example.parse().expect(spec.name))
            }
            RegistryKind::Text { .. } | RegistryKind::Choice | RegistryKind::TextList => {
                RegistryValue::Text(spec.example.into())
            }
        }
    }

    #[test]
    fn every_key_has_registry_values_named_after_it() {
        for key in Key::ALL {
            assert!(
                key.registry_values().next().is_some(),
                "{key:?} has no registry value: Group Policy could not set it"
            );
        }
        let mut names = std::collections::BTreeSet::new();
        for spec in &REGISTRY_VALUES {
            let top = spec.name.split('.').next().unwrap_or_default();
            assert_eq!(Key::from_name(top), Some(spec.key), "{}", spec.name);
            assert!(
                names.insert(spec.name.to_ascii_lowercase()),
                "{} twice",
                spec.name
            );
        }
    }

    #[test]
    fn every_keys_registry_values_are_read_as_that_key_without_a_problem() {
        for key in Key::ALL {
            let values = key
                .registry_values()
                .map(|spec| (spec.name.to_string(), as_written(spec)))
                .collect();
            let resolved = resolve(&[registry_layer(Source::HklmPolicy, values)]);
            assert!(
                resolved.problems.is_empty(),
                "{key:?}: {:?}",
                resolved.problems
            );
            assert_eq!(resolved.source_of(key), Some(Source::HklmPolicy), "{key:?}");
            assert_eq!(resolved.managed, [key].into(), "{key:?}");
        }
    }

    #[test]
    fn the_longest_text_a_template_allows_fits_the_registry_cap() {
        for spec in &REGISTRY_VALUES {
            if let RegistryKind::Text { max_chars } = spec.kind {
                // A character is at most 4 bytes of UTF-8, the reader's measure.
                assert!(max_chars * 4 <= MAX_REGISTRY_TEXT_BYTES, "{}", spec.name);
                assert!(spec.example.chars().count() <= max_chars, "{}", spec.name);
            }
        }
    }

    #[test]
    fn a_blank_field_is_absent_and_a_blank_key_is_refused() {
        let text = |t: &str| RegistryValue::Text(t.into());
        let layer = registry_layer(
            Source::HklmPolicy,
            vec![
                ("helpdesk.phone.ko".into(), text("02-1234-5678")),
                ("helpdesk.phone.en".into(), text("")),
                ("helpdesk.url.ko".into(), text("  ")),
                ("helpdesk.url.en".into(), text("")),
                ("updates.enabled".into(), RegistryValue::Dword(1)),
                ("updates.endpoint".into(), text("")),
                ("proxy".into(), text("")),
            ],
        );
        let resolved = resolve(&[layer]);
        let helpdesk = resolved.helpdesk.clone().unwrap().value;
        assert_eq!(helpdesk.phone, Some(LocalizedText::same("02-1234-5678")));
        assert_eq!(helpdesk.url, None);
        assert!(resolved.updates.value.enabled);
        assert_eq!(resolved.updates.value.endpoint, None);
        assert_eq!(
            problems(&resolved),
            [(Some("proxy".into()), invalid(Reason::Empty))]
        );
        assert!(resolved.is_managed(Key::Proxy));

        let all_blank = registry_layer(
            Source::HklmPolicy,
            vec![
                ("helpdesk.phone.ko".into(), text("")),
                ("helpdesk.hours.en".into(), text(" ")),
            ],
        );
        let resolved = resolve(&[all_blank]);
        assert_eq!(resolved.helpdesk, None);
        assert!(!resolved.is_managed(Key::Helpdesk));
        assert!(resolved.problems.is_empty());
    }

    #[test]
    fn environment_variables_use_the_key_names_in_capitals() {
        let layer = environment_layer(|name| match name {
            "MAIL_IDENTITY_API_BASE_URL" => Some("http://127.0.0.1:8787".into()),
            "MAIL_IDENTITY_WEBMAIL_URL" => Some("  ".into()),
            _ => None,
        });
        let resolved = resolve(&[layer]);
        assert_eq!(
            resolved.source_of(Key::ApiBaseUrl),
            Some(Source::Environment)
        );
        assert_eq!(resolved.webmail_url, None);
        assert!(!resolved.is_managed(Key::ApiBaseUrl));
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,40}".prop_map(Value::String),
            "(https?|socks5|ftp)://[a-z0-9.:@\\[\\]/?#{}-]{0,30}".prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map(
                    "(ko|en|phone|url|hours|enabled|endpoint|.{0,8})",
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn name() -> impl Strategy<Value = String> {
        let known: Vec<String> = Key::ALL.iter().map(|k| k.name().to_string()).collect();
        prop_oneof![
            prop::sample::select(known.clone()),
            (
                prop::sample::select(known),
                "(\\.(phone|url|hours|ko|en|enabled|endpoint|.{0,4})){1,3}"
            )
                .prop_map(|(k, rest)| format!("{k}{rest}")),
            ".{0,20}",
        ]
    }

    fn source() -> impl Strategy<Value = Source> {
        prop::sample::select(ALL_SOURCES.to_vec())
    }

    proptest! {
        #[test]
        fn resolution_never_panics_on_arbitrary_json(
            layers in prop::collection::vec((source(), prop::collection::vec((name(), json()), 0..12)), 0..4)
        ) {
            let layers: Vec<Layer> = layers
                .into_iter()
                .map(|(source, entries)| {
                    entries.into_iter().fold(Layer::new(source), |l, (n, v)| l.with(n, v))
                })
                .collect();
            let resolved = resolve(&layers);
            // Every effective value comes from a layer that was handed in, or is a default.
            for key in Key::ALL {
                if let Some(source) = resolved.source_of(key) {
                    prop_assert!(source == Source::Default || layers.iter().any(|l| l.source == source));
                }
            }
            prop_assert!(resolved.draft_lifetime_days.value >= 1 && resolved.draft_lifetime_days.value <= 90);
            prop_assert!(!resolved.allowed_locales.value.is_empty());
        }

        #[test]
        fn a_policy_file_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = resolve(&[parse_policy_file(&bytes)]);
        }
    }
}

//! The Group Policy template (`installer/windows/policy-templates/`) held to the key table, so that
//! neither can change without the other: one policy per key and no other; each policy writes
//! exactly the registry values the reader takes for its key ([`REGISTRY_VALUES`]), with their types
//! and the key table's limits; every choice it offers is a value the app accepts, and its defaults
//! are the app's; the English and Korean language files define the same texts, all of them used,
//! and the controls each policy needs.

use mail_identity_core::locale::Locale;
use mail_identity_core::policy::keys::LogLevel;
use mail_identity_core::policy::sources::{
    registry_layer, RegistryKind, RegistryValue, RegistryValueSpec, REGISTRY_PATH, REGISTRY_VALUES,
};
use mail_identity_core::policy::{resolve, Key, Resolved, Source};
use roxmltree::{Document, Node};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

const NS: &str = "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions";
const ADMX: &str = "mail-identity.admx";
const LANGUAGES: [&str; 2] = ["en-US", "ko-KR"];

fn templates() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../installer/windows/policy-templates")
}

/// The template's files as text; parsed by each test with [`Document::parse`].
struct Files {
    admx: String,
    adml: Vec<(&'static str, String)>,
}

fn files() -> Files {
    let read = |relative: &str| {
        let path = templates().join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    Files {
        admx: read(ADMX),
        adml: LANGUAGES
            .iter()
            .map(|lang| (*lang, read(&format!("{lang}/mail-identity.adml"))))
            .collect(),
    }
}

fn parse<'a>(name: &str, text: &'a str) -> Document<'a> {
    Document::parse(text).unwrap_or_else(|e| panic!("{name} is not well-formed XML: {e}"))
}

/// The element children of `node` called `name` in the Group Policy namespace.
fn children<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
        .inspect(move |n| assert_eq!(n.tag_name().namespace(), Some(NS), "<{name}>"))
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> Node<'a, 'i> {
    let mut found = children(node, name);
    let first = found
        .next()
        .unwrap_or_else(|| panic!("<{}> has no <{name}>", node.tag_name().name()));
    assert!(
        found.next().is_none(),
        "<{}> has two <{name}>",
        node.tag_name().name()
    );
    first
}

fn attr<'a>(node: Node<'a, '_>, name: &str) -> &'a str {
    node.attribute(name).unwrap_or_else(|| {
        panic!(
            "<{} {}> has no {name}",
            node.tag_name().name(),
            node.attribute("name")
                .or(node.attribute("id"))
                .unwrap_or("")
        )
    })
}

fn boolean_attr(node: Node, name: &str) -> bool {
    node.attribute(name) == Some("true")
}

fn number_attr(node: Node, name: &str) -> u32 {
    attr(node, name)
        .parse()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `$(string.X)` → `X`.
fn reference<'a>(value: &'a str, table: &str) -> Option<&'a str> {
    value
        .strip_prefix("$(")?
        .strip_prefix(table)?
        .strip_prefix('.')?
        .strip_suffix(')')
}

/// A registry value `<enabledValue>`, `<item><value>`… stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Data {
    Decimal(u32),
    Text(String),
    Delete,
}

fn data(value: Node) -> Data {
    let node = value
        .children()
        .find(Node::is_element)
        .expect("a value holds <decimal>, <string> or <delete>");
    match node.tag_name().name() {
        "decimal" => Data::Decimal(number_attr(node, "value")),
        "string" => Data::Text(node.text().unwrap_or_default().to_string()),
        "delete" => Data::Delete,
        other => panic!("unknown value <{other}>"),
    }
}

/// What a policy writes to one registry value.
#[derive(Debug)]
enum Write {
    /// The policy's own `valueName`: its enabled and disabled values.
    State {
        enabled: Data,
        disabled: Data,
    },
    Text {
        max_length: u32,
        expandable: bool,
        required: bool,
    },
    Decimal {
        min: u32,
        max: u32,
        as_text: bool,
        required: bool,
    },
    Enum {
        items: Vec<Data>,
        required: bool,
    },
    MultiText,
    Boolean {
        on: Data,
        off: Data,
    },
}

/// One policy of the ADMX, with what it writes, by registry value name.
struct Policy<'a, 'i> {
    node: Node<'a, 'i>,
    name: &'a str,
    /// Element id → (value name, write) for `<elements>`; the policy's own value has no id.
    writes: Vec<(Option<&'a str>, &'a str, Write)>,
}

fn policies<'a, 'i>(admx: &'a Document<'i>) -> Vec<Policy<'a, 'i>> {
    let root = admx.root_element();
    let Some(list) = children(root, "policies").next() else {
        return Vec::new();
    };
    children(list, "policy")
        .map(|node| {
            let name = attr(node, "name");
            let mut writes = Vec::new();
            if let Some(value_name) = node.attribute("valueName") {
                // Without <enabledValue>/<disabledValue>, Group Policy writes REG_DWORD 1 and
                // deletes the value.
                let enabled = children(node, "enabledValue")
                    .next()
                    .map_or(Data::Decimal(1), data);
                let disabled = children(node, "disabledValue")
                    .next()
                    .map_or(Data::Delete, data);
                writes.push((None, value_name, Write::State { enabled, disabled }));
            }
            for element in children(node, "elements").flat_map(|e| e.children()) {
                if !element.is_element() {
                    continue;
                }
                let id = attr(element, "id");
                if let Some(key) = element.attribute("key") {
                    assert_eq!(key, REGISTRY_PATH, "{name}/{id}: the reader reads one key");
                }
                let write = match element.tag_name().name() {
                    "text" => Write::Text {
                        max_length: element
                            .attribute("maxLength")
                            .map_or(1023, |_| number_attr(element, "maxLength")),
                        expandable: boolean_attr(element, "expandable"),
                        required: boolean_attr(element, "required"),
                    },
                    "decimal" => Write::Decimal {
                        min: element
                            .attribute("minValue")
                            .map_or(0, |_| number_attr(element, "minValue")),
                        max: element
                            .attribute("maxValue")
                            .map_or(9999, |_| number_attr(element, "maxValue")),
                        as_text: boolean_attr(element, "storeAsText"),
                        required: boolean_attr(element, "required"),
                    },
                    "enum" => Write::Enum {
                        items: children(element, "item")
                            .map(|item| data(child(item, "value")))
                            .collect(),
                        required: boolean_attr(element, "required"),
                    },
                    "multiText" => Write::MultiText,
                    "boolean" => Write::Boolean {
                        on: children(element, "trueValue")
                            .next()
                            .map_or(Data::Decimal(1), data),
                        off: children(element, "falseValue")
                            .next()
                            .map_or(Data::Decimal(0), data),
                    },
                    // A <list> writes many values and first deletes every value of its key: it
                    // would wipe the other policies' values, and the reader reads no subkey.
                    other => panic!("{name}/{id}: <{other}> writes nothing the reader reads"),
                };
                writes.push((Some(id), attr(element, "valueName"), write));
            }
            Policy { node, name, writes }
        })
        .collect()
}

/// The key a policy sets, by its name (the key's name).
fn key_of(policy: &Policy) -> Key {
    Key::from_name(policy.name)
        .filter(|key| key.name() == policy.name)
        .unwrap_or_else(|| panic!("policy `{}` is named after no key", policy.name))
}

/// The effective configuration when Group Policy writes `value` to `spec`'s registry value alone.
fn read_back(spec: &RegistryValueSpec, value: &Data) -> Resolved {
    let value = match value {
        Data::Decimal(n) => RegistryValue::Dword(*n),
        Data::Text(t) => RegistryValue::Text(t.clone()),
        Data::Delete => panic!("{}: a deleted value sets nothing", spec.name),
    };
    resolve(&[registry_layer(
        Source::HklmPolicy,
        vec![(spec.name.to_string(), value)],
    )])
}

/// What the app makes of `value` in `spec`'s registry value, as JSON (`Resolved`'s field for the
/// key), asserting that it is accepted without a problem.
fn accepted(spec: &RegistryValueSpec, value: &Data) -> Value {
    let resolved = read_back(spec, value);
    assert!(
        resolved.problems.is_empty(),
        "{} = {value:?} is offered by the template but refused by the app: {:?}",
        spec.name,
        resolved.problems
    );
    assert_eq!(
        resolved.source_of(spec.key),
        Some(Source::HklmPolicy),
        "{} = {value:?}",
        spec.name
    );
    field(&resolved, spec.key)["value"].clone()
}

fn field(resolved: &Resolved, key: Key) -> Value {
    serde_json::to_value(resolved).expect("Resolved is JSON")[key.name()].clone()
}

#[test]
fn the_files_are_policy_definitions_of_one_namespace_and_revision() {
    let files = files();
    let admx = parse(ADMX, &files.admx);
    let root = admx.root_element();
    assert_eq!(root.tag_name().name(), "policyDefinitions");
    assert_eq!(root.tag_name().namespace(), Some(NS));
    assert_eq!(attr(root, "schemaVersion"), "1.0");
    let revision = attr(root, "revision");
    let target = child(child(root, "policyNamespaces"), "target");
    assert!(!attr(target, "prefix").is_empty());
    assert!(!attr(target, "namespace").is_empty());
    let required = attr(child(root, "resources"), "minRequiredRevision");
    assert_eq!(required, revision);
    for (lang, text) in &files.adml {
        let adml = parse(lang, text);
        let root = adml.root_element();
        assert_eq!(
            root.tag_name().name(),
            "policyDefinitionResources",
            "{lang}"
        );
        assert_eq!(root.tag_name().namespace(), Some(NS), "{lang}");
        assert_eq!(attr(root, "schemaVersion"), "1.0", "{lang}");
        assert_eq!(
            attr(root, "revision"),
            revision,
            "{lang}: the ADMX's revision"
        );
    }
}

#[test]
fn one_policy_per_key_of_the_key_table_and_no_other() {
    let files = files();
    let admx = parse(ADMX, &files.admx);
    let names: Vec<&str> = policies(&admx).iter().map(|p| p.name).collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "a policy twice: {names:?}");
    let keys: BTreeSet<&str> = Key::ALL.iter().map(|k| k.name()).collect();
    let missing: Vec<&&str> = keys.difference(&unique).collect();
    assert!(
        missing.is_empty(),
        "keys of the key table without a policy in {ADMX}: {missing:?}; add one policy named \
         after each key, writing the registry values REGISTRY_VALUES lists for it"
    );
    let extra: Vec<&&str> = unique.difference(&keys).collect();
    assert!(
        extra.is_empty(),
        "policies in {ADMX} that set no key of the key table: {extra:?}"
    );
}

#[test]
fn each_policy_writes_exactly_the_registry_values_the_reader_reads_for_its_key() {
    let files = files();
    let admx = parse(ADMX, &files.admx);
    for policy in policies(&admx) {
        let key = key_of(&policy);
        let name = policy.name;
        // Intune's import fails on a policy without an explanation.
        for text in ["displayName", "explainText"] {
            assert!(
                reference(attr(policy.node, text), "string").is_some(),
                "{name}: {text}"
            );
        }
        assert_eq!(
            attr(policy.node, "class"),
            "Both",
            "{name}: the reader reads HKLM and HKCU"
        );
        assert_eq!(attr(policy.node, "key"), REGISTRY_PATH, "{name}");

        let written: Vec<&str> = policy.writes.iter().map(|(_, v, _)| *v).collect();
        let read: Vec<&str> = key.registry_values().map(|s| s.name).collect();
        let written_set: BTreeSet<&str> = written.iter().copied().collect();
        let read_set: BTreeSet<&str> = read.iter().copied().collect();
        assert_eq!(
            written_set.len(),
            written.len(),
            "{name} writes a value twice"
        );
        assert_eq!(
            written_set, read_set,
            "{name}: the values the policy writes (left) are not those the reader reads for \
             the key (right, REGISTRY_VALUES)"
        );

        for spec in key.registry_values() {
            let (_, _, write) = policy
                .writes
                .iter()
                .find(|(_, value, _)| *value == spec.name)
                .expect("checked above");
            let at = format!("{name}/{}", spec.name);
            match (spec.kind, write) {
                (
                    RegistryKind::Text { max_chars },
                    Write::Text {
                        max_length,
                        expandable,
                        ..
                    },
                ) => {
                    assert_eq!(
                        *max_length as usize, max_chars,
                        "{at}: maxLength is the key table's limit"
                    );
                    assert!(
                        !expandable,
                        "{at}: the reader does not expand REG_EXPAND_SZ"
                    );
                }
                (RegistryKind::Choice | RegistryKind::TextList, Write::Enum { items, .. }) => {
                    assert!(!items.is_empty(), "{at}: an empty choice");
                    let mut meanings = Vec::new();
                    for item in items {
                        assert!(matches!(item, Data::Text(_)), "{at}: REG_SZ items");
                        let meaning = accepted(spec, item);
                        assert!(
                            !meanings.contains(&meaning),
                            "{at}: two items mean {meaning}"
                        );
                        meanings.push(meaning);
                    }
                }
                (RegistryKind::TextList, Write::MultiText | Write::Text { .. }) => {}
                (
                    RegistryKind::Integer { min, max },
                    Write::Decimal {
                        min: low,
                        max: high,
                        as_text,
                        ..
                    },
                ) => {
                    assert_eq!((*low, *high), (min, max), "{at}: the key table's limits");
                    assert!(!as_text, "{at}: REG_DWORD");
                    accepted(spec, &Data::Decimal(min));
                    accepted(spec, &Data::Decimal(max));
                    assert!(!read_back(spec, &Data::Decimal(max + 1)).problems.is_empty());
                }
                (RegistryKind::Boolean, Write::State { enabled, disabled })
                | (
                    RegistryKind::Boolean,
                    Write::Boolean {
                        on: enabled,
                        off: disabled,
                    },
                ) => {
                    assert_eq!(
                        (enabled, disabled),
                        (&Data::Decimal(1), &Data::Decimal(0)),
                        "{at}: REG_DWORD 1 and 0"
                    );
                    assert_ne!(accepted(spec, enabled), accepted(spec, disabled), "{at}");
                }
                (kind, write) => {
                    panic!("{at}: the reader takes {kind:?}, the policy writes {write:?}")
                }
            }
            // A whole key's only input must be filled in: Group Policy would write it blank, which
            // the reader refuses (and locks the key). A field of a composite key may stay blank.
            if let Write::Text { required, .. }
            | Write::Decimal { required, .. }
            | Write::Enum { required, .. } = write
            {
                let field = spec.name.contains('.');
                assert_eq!(*required, !field, "{at}: required=\"{}\"", !field);
            }
        }
    }
}

/// The items of the `<enum>` writing `value_name`.
fn items(admx: &Document, value_name: &str) -> Vec<Data> {
    policies(admx)
        .into_iter()
        .flat_map(|p| p.writes)
        .find_map(|(_, name, write)| match write {
            Write::Enum { items, .. } if name == value_name => Some(items),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no <enum> writes {value_name}"))
}

fn spec(name: &str) -> &'static RegistryValueSpec {
    REGISTRY_VALUES
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("{name} is not in REGISTRY_VALUES"))
}

#[test]
fn the_choices_cover_every_language_and_log_level_the_app_knows() {
    let files = files();
    let admx = parse(ADMX, &files.admx);
    let offered: BTreeSet<String> = items(&admx, "default_locale")
        .iter()
        .map(|item| accepted(spec("default_locale"), item).to_string())
        .collect();
    let known: BTreeSet<String> = Locale::ALL.iter().map(json).collect();
    assert_eq!(offered, known, "default_locale");

    let offered: BTreeSet<String> = items(&admx, "log_level")
        .iter()
        .map(|item| accepted(spec("log_level"), item).to_string())
        .collect();
    let known: BTreeSet<String> = LogLevel::ALL.iter().map(json).collect();
    assert_eq!(offered, known, "log_level");

    // Every language alone, and all of them together.
    let offered: BTreeSet<String> = items(&admx, "allowed_locales")
        .iter()
        .map(|item| accepted(spec("allowed_locales"), item).to_string())
        .collect();
    let mut expected: BTreeSet<String> = Locale::ALL.iter().map(|l| json([l])).collect();
    expected.insert(json(Locale::ALL));
    assert!(
        offered.is_superset(&expected),
        "allowed_locales offers {offered:?}, not every one of {expected:?}"
    );
}

/// A value as JSON text, the way [`Resolved`] serializes it.
fn json(value: impl serde::Serialize) -> String {
    serde_json::to_string(&value).expect("serializable")
}

/// The string and presentation ids an ADMX references, without the `$(…)`.
fn references(admx: &Document, table: &str) -> BTreeSet<String> {
    admx.descendants()
        .flat_map(|n| n.attributes())
        .filter_map(|a| reference(a.value(), table))
        .map(str::to_string)
        .collect()
}

/// An ADML's strings, by id; ids must be unique.
fn strings(lang: &str, adml: &Document) -> BTreeMap<String, String> {
    let table = child(child(adml.root_element(), "resources"), "stringTable");
    let mut out = BTreeMap::new();
    for string in children(table, "string") {
        let id = attr(string, "id").to_string();
        let text = string.text().unwrap_or_default().trim().to_string();
        assert!(!text.is_empty(), "{lang}: string {id} is empty");
        assert!(
            out.insert(id.clone(), text).is_none(),
            "{lang}: string {id} twice"
        );
    }
    out
}

/// An ADML's presentations, by id; ids must be unique.
fn presentations<'a, 'i>(lang: &str, adml: &'a Document<'i>) -> BTreeMap<&'a str, Node<'a, 'i>> {
    let resources = child(adml.root_element(), "resources");
    let mut out = BTreeMap::new();
    for table in children(resources, "presentationTable") {
        for presentation in children(table, "presentation") {
            let id = attr(presentation, "id");
            assert!(
                out.insert(id, presentation).is_none(),
                "{lang}: presentation {id} twice"
            );
        }
    }
    out
}

#[test]
fn both_languages_define_every_string_the_template_uses_and_no_other() {
    let files = files();
    let admx = parse(ADMX, &files.admx);
    let used = references(&admx, "string");
    let shown = references(&admx, "presentation");
    let mut all = Vec::new();
    for (lang, text) in &files.adml {
        let adml = parse(lang, text);
        let strings = strings(lang, &adml);
        let ids: BTreeSet<String> = strings.keys().cloned().collect();
        let missing: Vec<_> = used.difference(&ids).collect();
        assert!(
            missing.is_empty(),
            "{lang}: strings used but not defined: {missing:?}"
        );
        let unused: Vec<_> = ids.difference(&used).collect();
        assert!(
            unused.is_empty(),
            "{lang}: strings defined but not used: {unused:?}"
        );
        let presentation_ids: BTreeSet<String> = presentations(lang, &adml)
            .keys()
            .map(|id| id.to_string())
            .collect();
        assert_eq!(
            presentation_ids, shown,
            "{lang}: presentations (left) vs used (right)"
        );
        all.push((*lang, strings));
    }
    let (en, ko) = (&all[0].1, &all[1].1);
    assert_eq!(
        en.keys().collect::<Vec<_>>(),
        ko.keys().collect::<Vec<_>>(),
        "en-US and ko-KR define different strings"
    );

    // Each policy's name and explanation exist in Korean, and each explanation names the registry
    // values the policy writes, so that an administrator can find them in the registry.
    for key in Key::ALL {
        let name = key.name();
        let hangul = |text: &str| text.chars().any(|c| ('가'..='힣').contains(&c));
        assert!(hangul(&ko[name]), "ko-KR: {name} is not in Korean");
        let explain = format!("{name}_Explain");
        assert!(hangul(&ko[&explain]), "ko-KR: {explain} is not in Korean");
        for (lang, strings) in &all {
            for spec in key.registry_values() {
                assert!(
                    strings[&explain].contains(spec.name),
                    "{lang}: {explain} does not name the registry value {}",
                    spec.name
                );
            }
        }
    }
}

/// The presentation controls that can show each kind of element. No combo box for a text: Intune's
/// import of custom templates refuses a template that has one.
fn control_for(write: &Write) -> &'static [&'static str] {
    match write {
        Write::State { .. } => &[],
        Write::Text { .. } => &["textBox"],
        Write::Decimal { .. } => &["decimalTextBox"],
        Write::Enum { .. } => &["dropdownList"],
        Write::MultiText => &["multiTextBox"],
        Write::Boolean { .. } => &["checkBox"],
    }
}

#[test]
fn each_language_shows_every_input_of_a_policy_once_with_the_apps_defaults() {
    let files = files();
    let admx = parse(ADMX, &files.admx);
    let defaults = resolve(&[]);
    for (lang, text) in &files.adml {
        let adml = parse(lang, text);
        let presentations = presentations(lang, &adml);
        for policy in policies(&admx) {
            let key = key_of(&policy);
            let name = policy.name;
            let inputs: Vec<_> = policy
                .writes
                .iter()
                .filter_map(|(id, value, write)| id.map(|id| (id, *value, write)))
                .collect();
            let Some(reference) = policy.node.attribute("presentation") else {
                assert!(inputs.is_empty(), "{name} has inputs but no presentation");
                continue;
            };
            let id = presentation_id(reference);
            let presentation = presentations
                .get(id)
                .unwrap_or_else(|| panic!("{lang}: no presentation {id}"));
            let controls: Vec<Node> = presentation
                .children()
                .filter(|n| n.is_element() && n.attribute("refId").is_some())
                .collect();
            let mut shown = BTreeSet::new();
            for control in &controls {
                let ref_id = attr(*control, "refId");
                assert!(shown.insert(ref_id), "{lang}/{name}: {ref_id} shown twice");
                let (_, value_name, write) = inputs
                    .iter()
                    .find(|(id, _, _)| *id == ref_id)
                    .unwrap_or_else(|| panic!("{lang}/{name}: {ref_id} is no input of {name}"));
                let kind = control.tag_name().name();
                assert!(
                    control_for(write).contains(&kind),
                    "{lang}/{name}: <{kind}> cannot show {write:?}"
                );
                let value_spec = spec(value_name);
                let default = field(&defaults, key);
                match (kind, write) {
                    ("dropdownList", Write::Enum { items, .. }) => {
                        let Some(index) = control.attribute("defaultItem") else {
                            continue;
                        };
                        let index: usize = index.parse().expect("defaultItem is a number");
                        let item = items
                            .get(index)
                            .unwrap_or_else(|| panic!("{lang}/{name}: no item {index}"));
                        if default.is_object() {
                            assert_eq!(
                                accepted(value_spec, item),
                                default["value"],
                                "{lang}/{name}: the preselected item is the app's default"
                            );
                        }
                    }
                    ("decimalTextBox", Write::Decimal { .. }) => {
                        let value = Data::Decimal(number_attr(*control, "defaultValue"));
                        let meaning = accepted(value_spec, &value);
                        if default.is_object() {
                            assert_eq!(
                                meaning, default["value"],
                                "{lang}/{name}: the proposed number is the app's default"
                            );
                        }
                    }
                    _ => {}
                }
            }
            let inputs: BTreeSet<&str> = inputs.iter().map(|(id, _, _)| *id).collect();
            assert_eq!(
                shown, inputs,
                "{lang}/{name}: inputs shown (left) vs defined (right)"
            );
        }
    }
}

fn presentation_id(value: &str) -> &str {
    reference(value, "presentation")
        .unwrap_or_else(|| panic!("{value} is not a $(presentation.X) reference"))
}

#[test]
fn every_policy_sits_in_a_defined_category_with_a_defined_support_statement() {
    let files = files();
    let admx = parse(ADMX, &files.admx);
    let root = admx.root_element();
    let categories: Vec<Node> = children(root, "categories")
        .flat_map(|c| children(c, "category"))
        .collect();
    let names: BTreeSet<&str> = categories.iter().map(|c| attr(*c, "name")).collect();
    assert_eq!(names.len(), categories.len(), "a category twice");
    let supported: BTreeSet<&str> = children(root, "supportedOn")
        .flat_map(|s| children(s, "definitions"))
        .flat_map(|d| children(d, "definition"))
        .map(|d| attr(d, "name"))
        .collect();
    let roots = categories
        .iter()
        .filter(|c| children(**c, "parentCategory").next().is_none())
        .count();
    assert_eq!(roots, 1, "one top category for the product");
    for node in categories
        .iter()
        .copied()
        .chain(policies(&admx).iter().map(|p| p.node))
    {
        let label = attr(node, "name");
        let parent = children(node, "parentCategory").next();
        if let Some(parent) = parent {
            let parent = attr(parent, "ref");
            assert!(names.contains(parent), "{label}: no category {parent}");
        } else {
            assert!(names.contains(label), "policy {label} has no category");
        }
    }
    for policy in policies(&admx) {
        let on = attr(child(policy.node, "supportedOn"), "ref");
        assert!(
            supported.contains(on),
            "{}: no supportedOn {on}",
            policy.name
        );
    }
}

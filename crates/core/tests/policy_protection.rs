//! The system policy file is read only when it and its folder are an administrator's: a file a
//! user planted (their own, or in a folder they can write) is ignored and reported, never believed.

#![cfg(unix)]

use mail_identity_core::policy::protection::{Fault, Part};
use mail_identity_core::policy::{protected_policy_file_layer, resolve, ProblemKind, Source};
use std::fs::Permissions;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

const PLANTED: &str =
    r#"{"api_base_url": "https://attacker.example/api", "extra_root_ca": "/tmp/evil.pem"}"#;

/// A folder (0755) holding `policy.json` (0644), as an installer leaves them.
fn installed(dir: &Path) -> PathBuf {
    let folder = dir.join("MailIdentity");
    std::fs::create_dir(&folder).unwrap();
    std::fs::set_permissions(&folder, Permissions::from_mode(0o755)).unwrap();
    let file = folder.join("policy.json");
    std::fs::write(&file, PLANTED).unwrap();
    std::fs::set_permissions(&file, Permissions::from_mode(0o644)).unwrap();
    file
}

/// True when files this test creates belong to root (the test runs as root).
fn running_as_root() -> bool {
    let dir = tempfile::tempdir().unwrap();
    std::fs::metadata(dir.path()).unwrap().uid() == 0
}

/// Asserts that the file at `path` was ignored for `part`/`fault` and set nothing.
fn assert_ignored(path: &Path, part: Part, fault: Fault) {
    let layer = protected_policy_file_layer(path).expect("a layer for an existing file");
    assert!(layer.entries.is_empty(), "nothing of the file is read");
    assert_eq!(layer.problems.len(), 1);
    assert_eq!(
        layer.problems[0].kind,
        ProblemKind::NotProtected { part, fault }
    );
    let resolved = resolve(&[layer]);
    assert_eq!(resolved.api_base_url, None);
    assert_eq!(resolved.extra_root_ca, None);
    assert!(resolved.managed.is_empty());
    let json = serde_json::to_value(&resolved.problems[0]).unwrap();
    assert_eq!(json["kind"], "not_protected");
    assert_eq!(json["source"], "policy_file");
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_group_or_world_writable_file_is_ignored() {
    if !running_as_root() {
        eprintln!("skipped: a root-owned file needs root to make (the other cases still run)");
        return;
    }
    for mode in [0o664, 0o646, 0o666] {
        let dir = tempfile::tempdir().unwrap();
        let file = installed(dir.path());
        chmod(&file, mode);
        assert_ignored(&file, Part::File, Fault::WritableByOthers);
    }
}

#[test]
fn a_file_in_a_group_or_world_writable_folder_is_ignored() {
    if !running_as_root() {
        eprintln!("skipped: a root-owned folder needs root to make");
        return;
    }
    for mode in [0o775, 0o757, 0o1777] {
        let dir = tempfile::tempdir().unwrap();
        let file = installed(dir.path());
        chmod(file.parent().unwrap(), mode);
        assert_ignored(&file, Part::Folder, Fault::WritableByOthers);
    }
}

#[test]
fn a_file_or_folder_owned_by_someone_else_than_root_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let file = installed(dir.path());
    if !running_as_root() {
        // The test's own user is not root: exactly the planted case.
        assert_ignored(&file, Part::File, Fault::UntrustedOwner);
        return;
    }
    const NOBODY: u32 = 65534;
    std::os::unix::fs::chown(&file, Some(NOBODY), None).unwrap();
    assert_ignored(&file, Part::File, Fault::UntrustedOwner);

    let dir = tempfile::tempdir().unwrap();
    let file = installed(dir.path());
    std::os::unix::fs::chown(file.parent().unwrap(), Some(NOBODY), None).unwrap();
    assert_ignored(&file, Part::Folder, Fault::UntrustedOwner);
}

#[test]
fn a_protected_file_is_read() {
    if !running_as_root() {
        eprintln!("skipped: a root-owned file needs root to make");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = installed(dir.path());
    let layer = protected_policy_file_layer(&file).expect("a layer");
    assert!(layer.problems.is_empty(), "{:?}", layer.problems);
    let resolved = resolve(&[layer]);
    let api = resolved.api_base_url.expect("the file's server");
    assert_eq!(api.source, Source::PolicyFile);
}

#[test]
fn no_file_is_no_layer() {
    let dir = tempfile::tempdir().unwrap();
    assert!(protected_policy_file_layer(&dir.path().join("policy.json")).is_none());
}

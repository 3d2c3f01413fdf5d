//! The catalog is compiled in by `rust_i18n::i18n!`; rebuild when it changes.

fn main() {
    println!("cargo:rerun-if-changed=../../locales");
}

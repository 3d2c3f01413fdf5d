#!/bin/sh
# The C compiler of the `cross-check` test layer (xtask/src/cross_check.rs) for the macOS and
# windows-msvc targets, whose SDKs a Linux machine does not have.
#
# That layer only checks the Rust code (`cargo clippy`, which is `cargo check` plus lints): nothing
# is linked, so the objects that build scripts compile from C, assembly or Objective-C (ring,
# libsqlite3-sys, objc2-exception-helper) are never used, and an empty object for the right target
# lets those build scripts finish. What employees install is built with the real toolchains and
# signed by the release workflow on its own macOS and Windows runners.
#
# Every compile (`-c … -o OUT`) writes an empty object to OUT for $TARGET, the Rust target that
# cargo gives the build script (clang knows the same names); anything else, such as the cc crate's
# compiler detection or the preprocessing of the Windows resource script (`-E`), goes to clang
# unchanged.
set -eu
target=${TARGET:?cargo sets TARGET for build scripts; this compiler is meant to run under one}
compile=false
out=
expect_out=false
for arg in "$@"; do
    if $expect_out; then
        out=$arg
        expect_out=false
        continue
    fi
    case $arg in
        -c) compile=true ;;
        -o) expect_out=true ;;
        -o?*) out=${arg#-o} ;;
    esac
done
if $compile && [ -n "$out" ]; then
    exec clang "--target=$target" -x c -c /dev/null -o "$out"
fi
exec clang "--target=$target" "$@"

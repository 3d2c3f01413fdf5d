#!/bin/bash
# Builds the MDM installer package (.pkg) of mail-identity from the .app that `tauri build` made.
#
#   installer/macos/build-pkg.sh <path/to/mail-identity.app> <arm64|x86_64> [output-dir]
#
# Output: <output-dir>/mail-identity_<version>_<aarch64|x64>.pkg (the same architecture names as
# Tauri's .dmg), installing /Applications/mail-identity.app. Default output dir: the folder of
# the .app's bundle/ folder, i.e. next to Tauri's own bundle/dmg.
#
# Environment:
#   INSTALLER_SIGNING_IDENTITY  "Developer ID Installer: <Company> (<TEAMID>)". When set, the
#                               product archive is signed with it (productbuild --sign); when
#                               unset or empty, the package is built unsigned (for testing only:
#                               MDMs and Gatekeeper want a signed, notarized package).
#   INSTALLER_KEYCHAIN          optional keychain that holds that identity (productbuild --keychain).
#   MIN_MACOS                   minimum macOS version; default: LSMinimumSystemVersion of the app.
#
# Notarization is a separate step (`xcrun notarytool submit … --wait`, then `xcrun stapler staple`),
# done by the release workflow when the Apple credentials are available.
set -euo pipefail

usage() { echo "usage: $0 <path/to/mail-identity.app> <arm64|x86_64> [output-dir]" >&2; exit 2; }
[ $# -ge 2 ] || usage

app=${1%/}
arch=$2
here=$(cd "$(dirname "$0")" && pwd)

[ -d "$app/Contents" ] || { echo "not an app bundle: $app" >&2; exit 1; }
case "$arch" in
  arm64) file_arch=aarch64 ;;
  x86_64) file_arch=x64 ;;
  *) usage ;;
esac

out_dir=${3:-$(cd "$(dirname "$app")/.." && pwd)/pkg}
mkdir -p "$out_dir"

plist="$app/Contents/Info.plist"
version=$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$plist")
identifier=$(/usr/libexec/PlistBuddy -c 'Print :CFBundleIdentifier' "$plist")
min_os=${MIN_MACOS:-$(/usr/libexec/PlistBuddy -c 'Print :LSMinimumSystemVersion' "$plist" 2>/dev/null || echo 13.0)}
name=$(basename "$app" .app)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Stage the app in a root that mirrors /Applications, and make the bundle non-relocatable: a
# relocatable component is "upgraded" wherever Installer finds another copy with the same bundle
# identifier (a user's copy in Downloads, a build folder) instead of landing in /Applications.
mkdir -p "$work/root"
ditto "$app" "$work/root/$name.app"
pkgbuild --analyze --root "$work/root" "$work/component.plist"
plutil -replace BundleIsRelocatable -bool NO "$work/component.plist"
plutil -replace BundleIsVersionChecked -bool NO "$work/component.plist"
plutil -replace BundleHasStrictIdentifier -bool YES "$work/component.plist"

component="$name-component.pkg"
pkgbuild \
  --root "$work/root" \
  --component-plist "$work/component.plist" \
  --install-location /Applications \
  --identifier "$identifier" \
  --version "$version" \
  "$work/$component"

sed -e "s/@VERSION@/$version/g" \
    -e "s/@ARCH@/$arch/g" \
    -e "s/@MIN_OS@/$min_os/g" \
    -e "s/@COMPONENT@/$component/g" \
    "$here/distribution.xml" > "$work/distribution.xml"

output="$out_dir/${name}_${version}_${file_arch}.pkg"
sign_args=()
if [ -n "${INSTALLER_SIGNING_IDENTITY:-}" ]; then
  sign_args=(--sign "$INSTALLER_SIGNING_IDENTITY" --timestamp)
  if [ -n "${INSTALLER_KEYCHAIN:-}" ]; then
    sign_args+=(--keychain "$INSTALLER_KEYCHAIN")
  fi
else
  echo "INSTALLER_SIGNING_IDENTITY is not set: building an unsigned package" >&2
fi

productbuild \
  --distribution "$work/distribution.xml" \
  --package-path "$work" \
  ${sign_args[@]+"${sign_args[@]}"} \
  "$output"

if [ -n "${INSTALLER_SIGNING_IDENTITY:-}" ]; then
  pkgutil --check-signature "$output"
fi
echo "$output"

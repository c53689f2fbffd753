#!/usr/bin/env bash
# Installs what agentpprof needs, only what is missing. Usage: scripts/setup.sh [npm] [bpf] [browser] [go] [agents]
# npm: node_modules from the lock file; bpf: Debian's clang/llvm/libbpf/bpftool toolchain for the collector;
# browser: Debian's chromium for the browser tests; go: golang-go for the pprof round-trip test;
# fleet: Debian's prometheus for the fleet tests (started by the tests on loopback; the service its package
# enables is disabled again: see no_new_services).
# clickhouse: Debian's clickhouse-server 18.16 for the fleet event-store tests (started by the tests as a user
# process in a temp dir; no service left enabled or running).
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
      [ -f /usr/include/stdio.h ] || apt_pkgs+=(libc6-dev) # also libc.a, for the static collector
      need cc gcc
      need make make
      need pkg-config pkg-config
      need curl curl
      need ldconfig libc-bin ;;
    browser) need chromium chromium ;;
    go) need go golang-go ;;
    fleet) [ -x /usr/bin/prometheus ] || apt_pkgs+=(prometheus) ;;
    clickhouse) [ -x /usr/sbin/clickhouse-server ] || apt_pkgs+=(clickhouse-server) ;;
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
# Units enabled to start at boot: systemd's wants links and SysV start links, as NAME.service.
enabled_units() {
  { ls /etc/systemd/system/*.wants/ 2>/dev/null | grep -E '\.(service|socket|timer)$'
    ls /etc/rc[2-5].d/ 2>/dev/null | sed -nE 's/^S[0-9]+(.+)$/\1.service/p'; } | sort -u
}
# A package that ships a daemon (Debian's prometheus) enables it and starts it on install; the tests start
# their own servers, so nothing may start now (a policy-rc.d that denies, unless the admin has one) and
# what this install enabled is disabled again.
no_new_services() {
  local before="$1" u
  for u in $(comm -13 <(echo "$before") <(enabled_units)); do
    echo "setup: $u was enabled by its package; disabling it (the tests start their own servers)" >&2
    if [ -d /run/systemd/system ]; then $sudo systemctl disable --now "$u" >&2
    elif [ -x "/etc/init.d/${u%.service}" ]; then
      $sudo update-rc.d "${u%.service}" disable >&2
      $sudo service "${u%.service}" stop >/dev/null 2>&1 || true # `service` ignores policy-rc.d: stop it if it ran
    else $sudo systemctl disable "$u" >&2
    fi
  done
}
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing Debian packages: ${apt_pkgs[*]}" >&2
  before=$(enabled_units)
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# scripts/setup.sh: no service starts while it installs packages\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    trap '$sudo rm -f "$policy"' EXIT
  fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >&2
  no_new_services "$before"
fi

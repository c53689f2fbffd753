#!/usr/bin/env bash
# The main job: profile the user's agent history, or the bundled example corpus when there is none.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-agentpprof-out}"
mkdir -p "$out"
cli="node bin/agentpprof.mjs"
if $cli sessions --quiet >/dev/null 2>&1; then
  echo "Profiling your local agent history (Claude Code / Codex / Gemini)…" >&2
  inputs=()
else
  echo "No local agent history found; profiling the bundled example corpus in examples/…" >&2
  inputs=(examples)
fi
$cli sessions "${inputs[@]}"

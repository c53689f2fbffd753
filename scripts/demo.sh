#!/usr/bin/env bash
# The main job: profile the user's agent history, or the bundled example corpus when there is none.
# Writes into the out dir: report.txt (text report of every view), a folded file, an SVG flamegraph and
# an HTML viewer per view, one pprof with every view, the status block, the tag coverage table, advise.md and advise.html
# (the HTML viewer with the ranked advice: click a finding to open the flamegraph on its frames).
# Then puts `agentpprof` on the PATH (link_cli), so the README's commands work as written.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-agentpprof-out}"
mkdir -p "$out"
cli="node bin/agentpprof.mjs"

# A link to this clone's bin/agentpprof.mjs named agentpprof: in /usr/local/bin when it can write there
# (also in sudo's PATH, for `sudo agentpprof live`), else in ~/.local/bin. Another agentpprof is not replaced.
link_cli() {
  local target="$PWD/bin/agentpprof.mjs" dir link linked=""
  for dir in /usr/local/bin "$HOME/.local/bin"; do
    link="$dir/agentpprof"
    if [ "$(readlink -f "$link" 2>/dev/null)" = "$target" ]; then linked=$dir; break; fi
    if [ -e "$link" ] || [ -L "$link" ]; then echo "$link exists and is not this clone's: left alone" >&2; continue; fi
    if [ "$dir" = /usr/local/bin ]; then
      if [ -w "$dir" ]; then ln -s "$target" "$link"
      elif sudo -n true 2>/dev/null; then sudo ln -s "$target" "$link"
      else continue
      fi
    else
      mkdir -p "$dir" && ln -s "$target" "$link"
    fi
    echo "agentpprof is now $link (a link to $target)" >&2
    linked=$dir; break
  done
  if [ -z "$linked" ]; then echo "agentpprof not linked anywhere: run node $target" >&2; return; fi
  case ":$PATH:" in
    *":$linked:"*) ;;
    *) echo "  $linked is not on your PATH: export PATH=\"$linked:\$PATH\"" >&2 ;;
  esac
  [ "$linked" = /usr/local/bin ] || echo "  sudo does not search $linked: run sudo $linked/agentpprof live" >&2
}
if $cli sessions --quiet >/dev/null 2>&1; then
  echo "Profiling your local agent history (Claude Code / Codex / Gemini)…" >&2
  inputs=()
else
  echo "No local agent history found; profiling the bundled example corpus in examples/…" >&2
  inputs=(examples)
fi
$cli sessions "${inputs[@]}" || true
views=(tokens cost time files network ops)
for v in "${views[@]}"; do
  $cli profile --view "$v" -q -o "$out/$v.folded" -o "$out/$v.svg" -o "$out/$v.html" "${inputs[@]}"
done
all=$(IFS=,; echo "${views[*]}")
$cli profile --view "$all" -q -o "$out/agentpprof.pb.gz" -o "$out/agentpprof.html" "${inputs[@]}"
$cli profile --view "$all" --format text "${inputs[@]}" > "$out/report.txt"
$cli profile --view "$all" --json "${inputs[@]}" > "$out/status.json"
$cli tags "${inputs[@]}" > "$out/tags.txt"
$cli advise -q -o "$out/advise.md" -o "$out/advise.html" "${inputs[@]}"
cat "$out/report.txt"
cat "$out/tags.txt"
echo; sed -n '1,40p' "$out/advise.md"
link_cli
echo "wrote $(ls "$out" | wc -l) files to $out/ (open $out/agentpprof.html, $out/advise.html, or any $out/VIEW.svg)" >&2

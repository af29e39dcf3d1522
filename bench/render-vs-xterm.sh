#!/usr/bin/env bash
# Renders the same transcript bodies with the portal's TerminalEmulator and with @xterm/headless (the peer), in one
# run, and prints MB/s for both and their ratios. The peer runs twice: keeping every row (scrollback 1,000,000, as
# the portal does) and at its fastest setting (scrollback 1,000, dropping the rest). Inputs are the recordings in
# Portal.Tests/Data/Transcripts, each repeated to about TARGET_MB megabytes. Each harness renders its input three
# times, a fresh terminal each time, and reports the median (RUNS sets how many).
set -euo pipefail
cd "$(dirname "$0")"
TARGET_MB=${TARGET_MB:-50}
DATA=../Portal.Tests/Data/Transcripts
[ -d render-peer/node_modules/@xterm/headless ] || (cd render-peer && npm install --no-audit --no-fund >/dev/null)
dotnet build -c Release Portal.Benchmarks >/dev/null

run() { # name file cols rows
  local size repeat ours whole fastest
  size=$(stat -c %s "$2")
  repeat=$(( TARGET_MB * 1000000 / size )); [ "$repeat" -ge 1 ] || repeat=1
  ours=$(dotnet Portal.Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll render "$2" "$3" "$4" "$repeat" "${RUNS:-3}")
  whole=$(node --max-old-space-size=8192 render-peer/xterm-render.mjs "$2" "$3" "$4" "$repeat" 1000000)
  fastest=$(node --max-old-space-size=8192 render-peer/xterm-render.mjs "$2" "$3" "$4" "$repeat" 1000)
  python3 - "$1" "$ours" "$whole" "$fastest" <<'PY'
import json, sys
name, ours, whole, fastest = sys.argv[1], *(json.loads(a) for a in sys.argv[2:])
o = ours['mbPerSecond']
print(f"| {name} | {ours['bytes']/1e6:.1f} | {o:.1f} | {whole['mbPerSecond']:.1f} | {o/whole['mbPerSecond']:.2f}x | {fastest['mbPerSecond']:.1f} | {o/fastest['mbPerSecond']:.2f}x | {ours['retainedMb']:.0f} |")
PY
}

echo "| input | MB | portal MB/s (every row) | xterm.js MB/s (every row) | ratio | xterm.js MB/s (1,000 rows) | ratio | portal retained MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
run "shell output (seq, find)" "$DATA/transcripts/ssm-user-ca6b0a05f0572e41f.log" 80 24
run "coloured ls, ps, df" "$DATA/transcripts/alice-456728a401f933ca2.log" 80 24
run "long lines (plain ASCII, wrapped)" "$DATA/transcripts/j.smith@example.com-8bd5e77c042569f33.log" 200 50
run "vim (alternate screen)" "$DATA/transcripts/j.smith@example.com-0df6afc3430e6015d.log" 80 24
run "colours and SGR" "$DATA/transcripts/carol-224a953ab89fa6eb5.log" 120 40

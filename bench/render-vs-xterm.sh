#!/usr/bin/env bash
# Renders the same transcript bodies with the portal's TerminalEmulator and with @xterm/headless (the peer), in one
# run, and prints MB/s for both and their ratio. Inputs are the recordings in Portal.Tests/Data/Transcripts,
# each repeated to about TARGET_MB megabytes.
set -euo pipefail
cd "$(dirname "$0")"
TARGET_MB=${TARGET_MB:-50}
DATA=../Portal.Tests/Data/Transcripts
[ -d render-peer/node_modules/@xterm/headless ] || (cd render-peer && npm install --no-audit --no-fund >/dev/null)
dotnet build -c Release Portal.Benchmarks >/dev/null

run() { # name file cols rows
  local size repeat ours peer
  size=$(stat -c %s "$2")
  repeat=$(( TARGET_MB * 1000000 / size )); [ "$repeat" -ge 1 ] || repeat=1
  ours=$(dotnet Portal.Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll render "$2" "$3" "$4" "$repeat")
  peer=$(node --max-old-space-size=8192 render-peer/xterm-render.mjs "$2" "$3" "$4" "$repeat")
  python3 - "$1" "$ours" "$peer" <<'PY'
import json, sys
name, ours, peer = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"| {name} | {ours['bytes']/1e6:.1f} | {ours['mbPerSecond']:.1f} | {peer['mbPerSecond']:.1f} | {ours['mbPerSecond']/peer['mbPerSecond']:.2f}x | {ours['retainedMb']:.0f} |")
PY
}

echo "| input | MB | portal MB/s | xterm.js MB/s | ratio | portal retained MB |"
echo "|---|---:|---:|---:|---:|---:|"
run "shell output (seq, find)" "$DATA/transcripts/ssm-user-ca6b0a05f0572e41f.log" 80 24
run "coloured ls, ps, df" "$DATA/transcripts/alice-456728a401f933ca2.log" 80 24
run "vim (alternate screen)" "$DATA/transcripts/j.smith@example.com-0df6afc3430e6015d.log" 80 24
run "colours and SGR" "$DATA/transcripts/carol-224a953ab89fa6eb5.log" 120 40

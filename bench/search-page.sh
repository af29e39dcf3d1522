#!/usr/bin/env bash
# Times search and the filtered sessions list in Chromium at 100,000 sessions (see
# bench/Portal.Benchmarks/BrowserSearchBench.cs): builds the index bench's index once (its corpus written to CORPUS,
# the index to INDEX), then starts the portal on its sandbox with that index and its indexer off.
#
#   bench/search-page.sh [runs]        (default 5; needs /usr/bin/chromium and moto_server; about 10 GB of disk)
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-/tmp/corpus100k}
INDEX=${INDEX:-/tmp/search-page-100k.db}
dotnet build Portal.Web -c Release -v q -nologo > /dev/null
dotnet build bench/Portal.Benchmarks -c Release -v q -nologo > /dev/null
BENCH=bench/Portal.Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll
[ -f "$INDEX" ] || INDEX_ONLY=1 dotnet "$BENCH" index 100000 "$INDEX" "$CORPUS"
dotnet "$BENCH" search-page Portal.Web/bin/Release/net10.0/Portal.Web.dll "$INDEX" "${1:-5}"

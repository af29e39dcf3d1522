#!/usr/bin/env bash
# Opens 50 MB transcripts in Chromium on the sandbox and reports what an auditor waits for (see
# bench/Portal.Benchmarks/BrowserOpenBench.cs): first rows on screen, the whole transcript, the longest main-thread
# task, End to the last row, and the server's memory with one viewer and two.
#
#   bench/transcript-open.sh [megabytes] [runs]        (defaults: 50 3; needs /usr/bin/chromium and moto_server)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Portal.Web -c Release -v q -nologo > /dev/null
dotnet build bench/Portal.Benchmarks -c Release -v q -nologo > /dev/null
dotnet bench/Portal.Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll browser Portal.Web/bin/Release/net10.0/Portal.Web.dll "${1:-50}" "${2:-3}"

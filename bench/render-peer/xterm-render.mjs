// Renders a Session Manager transcript body with @xterm/headless and prints throughput as JSON.
// Usage: node xterm-render.mjs <file.log> <cols> <rows> <repeat> [scrollback]
// scrollback: rows kept above the screen; 1000000 (the default) keeps a 50 MB recording whole, 1000 is xterm.js at its fastest.
import { readFileSync } from "node:fs";
import xterm from "@xterm/headless";

const [file, cols = "80", rows = "24", repeat = "1", scrollback = "1000000"] = process.argv.slice(2);
const content = readFileSync(file);
const text = content.toString("latin1");
// The same body rule as the portal: after the "Script started on" line, before the last "Script done on" line.
let start = text.startsWith("Script started on ") ? text.indexOf("\n") + 1 : 0;
let end = content.length;
const trimmed = text.endsWith("\n") ? text.slice(0, -1) : text;
const lastLf = trimmed.lastIndexOf("\n");
if (lastLf >= start && trimmed.slice(lastLf + 1).startsWith("Script done on ")) end = lastLf;
const body = content.subarray(start, end);
const times = Number(repeat);
const input = Buffer.concat(Array.from({ length: times }, () => body));

// The same warm-up as the portal's harness: 60 writes of a 64 KB slice, so V8 has optimised the hot paths.
for (let i = 0; i < 60; i++) {
  const warm = new xterm.Terminal({ cols: Number(cols), rows: Number(rows), scrollback: 1_000, allowProposedApi: true, convertEol: false });
  await new Promise((resolve) => warm.write(input.subarray(0, Math.min(input.length, 64 << 10)), resolve));
  warm.dispose();
}

// Three renders of the whole input, each by a fresh terminal, and the median, as the portal's harness does.
const runs = Number(process.env.RUNS ?? "3");
const durations = [];
let terminal;
for (let run = 0; run < runs; run++) {
  terminal?.dispose();
  terminal = new xterm.Terminal({ cols: Number(cols), rows: Number(rows), scrollback: Number(scrollback), allowProposedApi: true, convertEol: false });
  const started = process.hrtime.bigint();
  await new Promise((resolve) => terminal.write(input, resolve));
  durations.push(Number(process.hrtime.bigint() - started) / 1e9);
}
const seconds = [...durations].sort((a, b) => a - b)[Math.floor(durations.length / 2)];
console.log(JSON.stringify({
  peer: "@xterm/headless 6.0.0", scrollback: Number(scrollback), bytes: input.length, seconds, mbPerSecond: input.length / 1e6 / seconds,
  runsMbPerSecond: durations.map((s) => Math.round(input.length / 1e6 / s * 10) / 10), rows: terminal.buffer.normal.length,
}));

// What bench/ingest.ts prints and writes: the table of rows with their raw baselines, what half the raw rate
// leaves per message, the 1M comparison, the warm-up rounds, the flood's peak memory, and the JSON.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { settled, type WarmRound, type WarmUpRule } from "./warm-up.ts";

export type Row = {
  what: string;
  n: number;
  perSecond: number;
  baseline: number | null;
  note?: string;
  /** CPU per message: the worker and PostgreSQL (all their processes and threads); the raw sink's. */
  cpuMsPerMessage?: number;
  baselineCpuMsPerMessage?: number;
};

/** A round of the big project and a new one, alternately, in the same minutes. */
export type InterleavedRound = { big: number; empty: number; bigCpuMs: number; emptyCpuMs: number };

/** A share as the report prints it ("93 %"). */
export const pct = (x: number) => `${(100 * x).toFixed(0)} %`;

/** A process's warm-up rounds (warm-up.ts), by what was warmed. */
export type Warmup = { what: string; rounds: WarmRound[] };

export type IngestReport = {
  rows: Row[];
  /** Issues generated for the rows "at N issues"; existingRate null when none were. */
  existing: number;
  existingRate: number | null;
  interleaved: InterleavedRound[];
  warmups: Warmup[];
  warm: { messages: number; rule: WarmUpRule };
  rss: { workerPeak: number; sinkPeak: number; messages: number; bytes: number };
};

/** Prints the report and writes it to bench/results/ingest.json. */
export const printIngestReport = ({ rows, existing, existingRate, interleaved, warmups, warm, rss }: IngestReport) => {
  console.log(
    "\nMail in: issues committed per second, ~5 KB plain-text messages, loopback, PostgreSQL fsync on;\n" +
      "raw = smtp-server + mailparser alone (bench/smtp-sink.ts parse), measured in this run\n",
  );
  console.log(
    `${"measurement".padEnd(52)} ${"messages".padStart(8)}  ${"msg/s".padStart(7)}  ${"raw".padStart(6)}  ratio  ${"CPU ms/msg".padStart(10)}  ${"raw".padStart(5)}`,
  );
  const cpu = (ms: number | undefined, width: number) => (ms === undefined ? "—" : ms.toFixed(2)).padStart(width);
  for (const r of rows) {
    console.log(
      `${r.what.padEnd(52)} ${String(r.n).padStart(8)}  ${r.perSecond.toFixed(0).padStart(7)}  ${r.baseline ? r.baseline.toFixed(0).padStart(6) : "     —"}  ${r.baseline ? (r.perSecond / r.baseline).toFixed(2) : "  —"}  ${cpu(r.cpuMsPerMessage, 10)}  ${cpu(r.baselineCpuMsPerMessage, 5)}${r.note ? `  (${r.note})` : ""}`,
    );
  }
  // What the ratio target asks of CPU: half the raw rate, on this machine's cores, with every process
  // Tidings runs (the load generator's share left out, as in the raw run's figure).
  const measured = rows.filter((r) => r.cpuMsPerMessage !== undefined && r.baseline);
  if (measured.length) {
    const cores = os.availableParallelism();
    const worst = Math.max(...measured.map((r) => (r.baseline as number) / 2));
    console.log(
      `\nCPU per message: the worker and PostgreSQL, all their processes and threads, against the raw sink's; ` +
        `half the raw rate (up to ${worst.toFixed(0)} msg/s) on ${cores} cores leaves at most ${((1000 * cores) / worst).toFixed(2)} ms ` +
        `per message for all of Tidings' processes (a load generator shares the cores in both runs).`,
    );
  }
  if (existingRate !== null) {
    const last = rows.at(-1) as Row;
    const bigTotal = interleaved.reduce((a, r) => a + r.big, 0);
    const emptyTotal = interleaved.reduce((a, r) => a + r.empty, 0);
    console.log(
      `\nAt ${existing.toLocaleString("en")} existing issues (4 sessions, 1 project):` +
        `\n  against the empty project's row: ${pct(existingRate / rows[0].perSecond)} of its rate; ` +
        `${pct(last.perSecond / (last.baseline as number) / (rows[0].perSecond / (rows[0].baseline as number)))} of its ratio to the raw ceiling (each row's raw measured right before it)` +
        `\n  interleaved with a new project in the same database, ${interleaved.length} rounds (msg/s big / new: ${interleaved.map((r) => `${r.big.toFixed(0)} / ${r.empty.toFixed(0)}`).join(", ")}): ${pct(bigTotal / emptyTotal)}` +
        `\n  CPU per message in those rounds, big / new: ${interleaved.map((r) => `${r.bigCpuMs.toFixed(2)} / ${r.emptyCpuMs.toFixed(2)} ms`).join(", ")}`,
    );
  }
  console.log(
    `\nWarm-up before the rows (4 sessions, ${warm.messages.toLocaleString("en")} messages a round, at least ${warm.rule.minRounds} rounds, then until a round's CPU per message is within ` +
      `${(100 * warm.rule.settledShare).toFixed(0)} % of the round before, at most ${warm.rule.maxRounds} rounds); msg/s and the process's CPU ms per message by round:`,
  );
  for (const w of warmups)
    console.log(
      `  ${w.what.padEnd(28)} ${w.rounds.map((r) => `${r.perSecond.toFixed(0)} (${r.cpuMsPerMessage.toFixed(2)})`).join(", ")}` +
        (settled(w.rounds, warm.rule) ? "" : "  (stopped at the cap, not settled)"),
    );
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
  console.log(
    `\nPeak RSS while ${rss.messages} messages of ${mb(rss.bytes)} arrive on 4 sessions: worker ${mb(rss.workerPeak)} (stored, parsed, applied); raw sink ${mb(rss.sinkPeak)} (received, parsed)`,
  );
  const here = path.dirname(fileURLToPath(import.meta.url));
  fs.mkdirSync(path.join(here, "results"), { recursive: true });
  fs.writeFileSync(
    path.join(here, "results", "ingest.json"),
    `${JSON.stringify({ at: new Date().toISOString(), rows, warmups, interleaved, rss }, null, 2)}\n`,
  );
};

// What a benchmark reads of other processes on Linux, from /proc: CPU time (user + system, all threads) and
// peak resident memory. One place for the format of /proc/<pid>/stat.
import fs from "node:fs";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peak resident memory of a process (and its threads) while `work` runs, sampled every 20 ms. */
export const peakRss = async (pid: number, work: () => Promise<unknown>) => {
  let peak = 0;
  let running = true;
  const sample = async () => {
    while (running) {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024);
      await sleep(20);
    }
  };
  const sampling = sample();
  try {
    await work();
  } finally {
    running = false;
    await sampling;
  }
  return peak;
};

/** Linux's USER_HZ: /proc counts CPU time in hundredths of a second on every architecture Node runs on. */
const CLOCK_TICKS = 100;

/**
 * The fields of /proc/<pid>/stat after the command name (which may hold spaces): state, ppid, …; utime and
 * stime are the 12th and 13th. Null once the process is gone.
 */
const statFields = (pid: number): string[] | null => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
};

/** CPU time (user + system, all its threads) a process has used, in ms; 0 once it is gone. */
export const cpuMsOf = (pid: number) => {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS) : 0;
};

/** The processes whose parent is `ppid` (PostgreSQL's backends, its checkpointer, WAL writer, …). */
export const childrenOf = (ppid: number) =>
  fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => Number(statFields(pid)?.[1]) === ppid);

/**
 * The CPU `pids()` (asked before and after) used while `work` ran, in ms: a process started meanwhile counts
 * from zero; one that ended meanwhile is not counted (the worker's and PostgreSQL's connections live on).
 */
export const cpuMsDuring = async <T>(
  pids: () => number[],
  work: () => Promise<T>,
): Promise<{ result: T; cpuMs: number }> => {
  const before = new Map(pids().map((pid) => [pid, cpuMsOf(pid)]));
  const result = await work();
  const cpuMs = pids().reduce((sum, pid) => sum + Math.max(0, cpuMsOf(pid) - (before.get(pid) ?? 0)), 0);
  return { result, cpuMs };
};

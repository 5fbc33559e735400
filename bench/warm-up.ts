// How a benchmark warms a long-lived process before measuring it (bench/ingest.ts): a worker runs for days,
// and V8 keeps compiling its hot paths long after a few hundred messages. Rounds of messages are sent until
// a round's CPU per message is within a share of the round before; the rounds are returned to be printed.

/** One warm-up round: its rate and the warmed process's CPU per message. */
export type WarmRound = { perSecond: number; cpuMsPerMessage: number };

export type WarmUpRule = {
  /** No warm-up ends before this many rounds (a slow minute can make two cold rounds look alike)… */
  minRounds: number;
  /** …then a round within this share of the round before (CPU per message) ends it… */
  settledShare: number;
  /** …or this many rounds (a machine's speed drifts; a warm-up must end). */
  maxRounds: number;
};

/** Whether the rounds so far have settled: at least the minimum (and two), the last within the share of the one before. */
export const settled = (rounds: WarmRound[], rule: WarmUpRule) => {
  if (rounds.length < Math.max(2, rule.minRounds)) return false;
  const [before, last] = rounds.slice(-2).map((x) => x.cpuMsPerMessage);
  return Math.abs(last - before) < rule.settledShare * before;
};

/** Runs `round(r)` until the rounds settle or reach the rule's maximum; returns them all. */
export const warmUntilSettled = async (
  round: (r: number) => Promise<WarmRound>,
  rule: WarmUpRule,
): Promise<WarmRound[]> => {
  const rounds: WarmRound[] = [];
  while (rounds.length < rule.maxRounds && !settled(rounds, rule)) rounds.push(await round(rounds.length));
  return rounds;
};

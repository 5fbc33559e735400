import type { ProcessHealth } from "@tidings/core";

/**
 * Prometheus text for the process heartbeats (issue 15 item 5): per kind, how many processes beat and how
 * many went silent without a clean stop. Alert on `tidings_process_up{kind="worker"} == 0`.
 */
export const renderProcessMetrics = (health: ProcessHealth): string => {
  const kinds = Object.entries(health);
  const lines = [
    "# HELP tidings_process_up Processes of each kind whose heartbeat is fresh.",
    "# TYPE tidings_process_up gauge",
    ...kinds.map(([kind, h]) => `tidings_process_up{kind="${kind}"} ${h.up}`),
    "# HELP tidings_process_silent Processes of each kind that stopped beating without a clean stop (last day).",
    "# TYPE tidings_process_silent gauge",
    ...kinds.map(([kind, h]) => `tidings_process_silent{kind="${kind}"} ${h.down}`),
  ];
  return `${lines.join("\n")}\n`;
};

import path from "node:path";

// Loopback ports for the one product instance the e2e run boots (workers: 1): 3107, 2627 and 2628 unless
// E2E_PORT_BASE moves them (base, base+1, base+2) so two checkouts can run their browser tests side by side.
// biome-ignore lint/style/noProcessEnv: test-runner knob, not product configuration.
const base = Number(process.env.E2E_PORT_BASE ?? 0);
export const E2E = {
  port: base || 3107,
  inboundSmtpPort: base ? base + 1 : 2627,
  captureSmtpPort: base ? base + 2 : 2628,
  /** The customer domain's SMTP relay (AUTH required) of the custom email story (issue 13.2). */
  relaySmtpPort: base ? base + 3 : 2629,
  relayUser: "support@acme.test",
  relayPassword: "acme-relay-password",
  password: "e2e-demo-password",
  root: path.resolve(import.meta.dirname, "../.."),
  /** Fresh for every run: the product's DATA_DIR and the capture inbox. */
  dataDir: path.resolve(import.meta.dirname, "../../test-results/e2e-data"),
  inboxDir: path.resolve(import.meta.dirname, "../../test-results/e2e-inbox"),
  /** What the customer-domain relay accepted, and where it forwards the custom address (a JSON file the spec writes). */
  relayDir: path.resolve(import.meta.dirname, "../../test-results/e2e-relay"),
  relayForwardFile: path.resolve(import.meta.dirname, "../../test-results/e2e-relay-forward.json"),
  /** A file holding the directory of the run's Dovecot (the product reads its mailbox through IMAP_URL). */
  dovecotDirFile: path.resolve(import.meta.dirname, "../../test-results/e2e-dovecot-dir"),
  get baseURL() {
    return `http://127.0.0.1:${this.port}`;
  },
};

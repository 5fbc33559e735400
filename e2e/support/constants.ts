import path from "node:path";

// Fixed loopback ports for the one product instance the e2e run boots (workers: 1).
export const E2E = {
  port: 3107,
  inboundSmtpPort: 2627,
  captureSmtpPort: 2628,
  password: "e2e-demo-password",
  root: path.resolve(import.meta.dirname, "../.."),
  /** Fresh for every run: the product's DATA_DIR and the capture inbox. */
  dataDir: path.resolve(import.meta.dirname, "../../test-results/e2e-data"),
  inboxDir: path.resolve(import.meta.dirname, "../../test-results/e2e-inbox"),
  get baseURL() {
    return `http://127.0.0.1:${this.port}`;
  },
};

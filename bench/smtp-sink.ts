// A local SMTP server for bench/outbound.ts, run in its own process (2 cores: the server must not
// share an event loop with the client it measures). Consumes each message, counts it, answers 250.
// Talks to its parent over IPC: sends { port } when listening, { count } when asked, exits on "stop".
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

let count = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  size: 50 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on("data", () => undefined);
    stream.on("end", () => {
      count++;
      callback(null, "2.0.0 Ok: queued");
    });
  },
});
server.on("error", () => undefined);
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (server.server.address() as AddressInfo).port });
});
process.on("message", (msg: string) => {
  if (msg === "count") process.send?.({ count });
  if (msg === "reset") {
    count = 0;
    process.send?.({ count });
  }
  if (msg === "stop") server.close(() => process.exit(0));
});

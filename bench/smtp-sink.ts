// A local SMTP server for the benchmarks, run in its own process (2 cores: the server must not share an
// event loop with the client it measures). Consumes each message, counts it, answers 250. With the
// argument `parse` it is the raw ceiling of mail in (bench/ingest.ts): each message is read whole and
// parsed with mailparser before the 250, and nothing else is done.
// Talks to its parent over IPC: sends { port } when listening, { count } when asked, exits on "stop".
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

const parse = process.argv[2] === "parse";

let count = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  size: 50 * 1024 * 1024,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => parse && chunks.push(c));
    stream.on("end", () => {
      const done = () => {
        count++;
        callback(null, "2.0.0 Ok: queued");
      };
      if (!parse) return done();
      simpleParser(Buffer.concat(chunks)).then(done, (err: Error) => callback(err));
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

// The bundled worker's entry (scripts/bundle.ts): it spawns the processing thread first, so that the thread
// loads its packages while the worker loads its own, migrates and connects, then runs the worker's bundled
// entry (`main.mjs` beside it: the worker, or a harness of it). Measured with 1,000 messages waiting in
// IMAP when the worker starts: see thread-entry.ts.
import { prestartProcessingThread } from "./inbound/thread-entry.ts";

prestartProcessingThread();
// A computed specifier: the bundler leaves it to run time (main.mjs is bundled on its own).
const main = new URL("./main.mjs", import.meta.url);
await import(main.href);

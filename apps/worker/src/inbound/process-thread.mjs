// The worker-thread bootstrap: registers tsx in this thread (a thread does not inherit the parent's
// loader hooks in every runner), then loads the TypeScript entry.
import { register } from "tsx/esm/api";

register();
await import("./process-thread.ts");

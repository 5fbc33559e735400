import { Initial1763700000000 } from "./1763700000000-initial.ts";

/** Every migration, in order. Never edit one that has been merged; add a new file. */
export const MIGRATIONS = [Initial1763700000000];

import { expect, it } from "vitest";
import { budgetSpentMessage, clientKey, createNewQueryBudget } from "./new-query-budget.ts";

it("counts each client's time per window, and makes a client that spent it wait for the window's end", () => {
  let now = 1_000;
  const budget = createNewQueryBudget({ budgetMs: 100, windowMs: 60_000 }, () => now);
  const alice = clientKey({ id: 7 }, "127.0.0.1");
  const anonymous = clientKey(null, "127.0.0.1");
  expect([alice, anonymous]).toEqual(["user:7", "address:127.0.0.1"]);

  budget.charge(anonymous, 60);
  now += 10_000;
  expect(budget.waitMs(anonymous)).toBe(0);
  budget.charge(anonymous, 40);
  // Spent: the wait runs to the end of the window that began with the first charge.
  expect(budget.waitMs(anonymous)).toBe(50_000);
  expect(budget.waitMs(alice)).toBe(0);
  now += 49_999;
  expect(budget.waitMs(anonymous)).toBe(1);
  now += 1;
  expect(budget.waitMs(anonymous)).toBe(0);
  // A new window starts with the next charge.
  budget.charge(anonymous, 99);
  expect(budget.waitMs(anonymous)).toBe(0);
});

it("says how long to wait, in seconds", () => {
  expect(budgetSpentMessage({ budgetMs: 2_000, windowMs: 60_000 }, 12_300)).toBe(
    "Too many new queries from this client: parsing, validating and compiling them took more than 2,000 ms of the api's time in 60 s (the limit). Try again in 13 s.",
  );
});

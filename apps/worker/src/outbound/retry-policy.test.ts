import { describe, expect, it } from "vitest";
import { classifySendError, DEFAULT_RETRY_POLICY, maxRetryWindowMs, retryDelayMs } from "./retry-policy.ts";

const smtpError = (code: string, responseCode?: number, response?: string) =>
  Object.assign(new Error(response ?? code), { code, responseCode, response });

describe("retryDelayMs", () => {
  it("doubles from 30 s up to an hour, with the jitter between half and all of the nominal delay", () => {
    const lowest = (a: number) => retryDelayMs(a, DEFAULT_RETRY_POLICY, () => 0);
    const highest = (a: number) => retryDelayMs(a, DEFAULT_RETRY_POLICY, () => 1);
    expect([1, 2, 3, 7, 8, 15].map(highest)).toEqual([30_000, 60_000, 120_000, 1_920_000, 3_600_000, 3_600_000]);
    expect(lowest(1)).toBe(15_000);
    expect(lowest(8)).toBe(1_800_000);
  });

  it("keeps retrying for hours before giving up", () => {
    const hours = maxRetryWindowMs(DEFAULT_RETRY_POLICY) / 3_600_000;
    expect(hours).toBeGreaterThan(8);
    expect(hours).toBeLessThan(10);
  });
});

describe("classifySendError", () => {
  it("treats 5xx replies as permanent and keeps the server's reply", () => {
    expect(classifySendError(smtpError("EENVELOPE", 550, "550 5.1.1 User unknown"))).toEqual({
      permanent: true,
      reason: "550 5.1.1 User unknown",
    });
    expect(classifySendError(smtpError("EMESSAGE", 554, "554 5.7.1 Spam")).permanent).toBe(true);
  });

  it("retries 4xx replies, 503, connection failures, timeouts and our own SMTP settings problems", () => {
    expect(classifySendError(smtpError("EENVELOPE", 451, "451 4.7.1 Greylisted")).permanent).toBe(false);
    expect(classifySendError(smtpError("EPROTOCOL", 503, "503 Bad sequence")).permanent).toBe(false);
    expect(classifySendError(smtpError("ECONNECTION")).permanent).toBe(false);
    expect(classifySendError(smtpError("ETIMEDOUT")).permanent).toBe(false);
    expect(classifySendError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ESOCKET" })).permanent).toBe(
      false,
    );
    expect(classifySendError(smtpError("EAUTH", 535, "535 5.7.8 Bad credentials")).permanent).toBe(false);
  });
});

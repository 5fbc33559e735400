import { describe, expect, it } from "vitest";
import { appendTemplate, neutraliseQuickActions } from "../ingest/content.ts";
import { customerDescription } from "./customer-description.ts";

// The description exactly as the ingest builds it (apply-service-desk.ts).
const stored = (customer: string, template: string | null) =>
  appendTemplate(neutraliseQuickActions(customer), template);

describe("customerDescription", () => {
  const TEMPLATE = "## Triage (internal)\n\n- [ ] severity?\n\n/label ~support";

  it("leaves out the description template appended after the customer's text", () => {
    expect(customerDescription(stored("My printer is on fire.", TEMPLATE), TEMPLATE)).toBe("My printer is on fire.");
  });

  it("leaves out the customer's own quick-action lines, neutralised or written with backticks", () => {
    const customer = "Please help.\n\n/label ~urgent\n/assign @boss\n\nThanks, Jane\n/close `now`";
    expect(customerDescription(stored(customer, TEMPLATE), TEMPLATE)).toBe("Please help.\n\nThanks, Jane");
  });

  it("keeps a slash line inside fenced code (never a quick action) and inline code the customer wrote", () => {
    const customer = "Output:\n\n```\n/usr/bin/env: not found\n```\n\nI ran `/bin/true` too.";
    expect(customerDescription(stored(customer, null), null)).toBe(customer);
  });

  it("is empty when the email had no text and only the template was stored", () => {
    expect(customerDescription(stored("", TEMPLATE), TEMPLATE)).toBe("");
  });

  it("closes up blank runs and trims the customer's text, with and without quick-action lines to drop", () => {
    expect(customerDescription(stored("\n\nHello\n\n\n\nthere\n\n", null), null)).toBe("Hello\n\nthere");
    expect(customerDescription(stored("Hello\n/close\n\n\nthere", null), null)).toBe("Hello\n\nthere");
  });

  it("keeps the text whole when the template is not at its end (edited since)", () => {
    expect(customerDescription("Hello\n\nsomething else", TEMPLATE)).toBe("Hello\n\nsomething else");
  });
});

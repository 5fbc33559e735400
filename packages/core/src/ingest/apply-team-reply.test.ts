import { expect, it } from "vitest";
import { teamSenderProblem } from "./apply-team-reply.ts";
import type { Screening } from "./screen.ts";

const mira = { email: "Mira@Team.example", blocked: false };
const auth = (dmarc: "pass" | "fail" | "none"): Screening => ({
  auth: {
    spf: "pass",
    dkim: "none",
    dkimDomain: null,
    dmarc,
    dmarcPolicy: "quarantine",
    dmarcDomain: "team.example",
    arc: "none",
  },
  spam: null,
  problems: [],
});

it("takes a reply to a member's notification only from that member's address, authenticated", () => {
  expect(teamSenderProblem(mira, "mira@team.example", auth("pass"))).toBeNull();
  expect(teamSenderProblem(mira, "mira@team.example", null)).toBeNull();
  expect(teamSenderProblem(mira, "mallory@evil.example", auth("pass"))).toBe("it came from another address");
  expect(teamSenderProblem(mira, null, null)).toBe("it came from another address");
  expect(teamSenderProblem(mira, "mira@team.example", auth("fail"))).toMatch(/DMARC fail/);
  expect(teamSenderProblem({ ...mira, blocked: true }, "mira@team.example", null)).toMatch(/blocked/);
  expect(teamSenderProblem(null, "mira@team.example", null)).toMatch(/gone/);
});

import type { AddressInfo } from "node:net";
import express from "express";
import { expect, it } from "vitest";
import { clientAddressOf, trustProxySetting } from "./client-ip.ts";

it("reads a WebSocket upgrade's client address exactly as Express reads req.ip, for every TRUSTED_PROXIES", async () => {
  const settings: string[][] = [[], ["127.0.0.1"], ["loopback"], ["10.0.0.0/8"], ["127.0.0.1", "10.0.0.0/8"]];
  const forwarded = [undefined, "203.0.113.9", "198.51.100.2, 10.1.2.3", "not an address", "10.1.2.3"];
  for (const TRUSTED_PROXIES of settings) {
    const app = express();
    app.set("trust proxy", trustProxySetting({ TRUSTED_PROXIES }));
    const ours = clientAddressOf({ TRUSTED_PROXIES });
    app.get("/ip", (req, res) => {
      res.json({ express: req.ip, ours: ours(req) });
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (const xff of forwarded) {
        const res = await fetch(`http://127.0.0.1:${port}/ip`, { headers: xff ? { "x-forwarded-for": xff } : {} });
        const { express: expected, ours: actual } = (await res.json()) as { express: string; ours: string };
        expect(actual, `${TRUSTED_PROXIES.join(",") || "(none)"} / ${xff}`).toBe(expected);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }
  // And the forwarded address is believed only from a listed proxy.
  const through = clientAddressOf({ TRUSTED_PROXIES: ["loopback"] });
  const fake = { headers: { "x-forwarded-for": "203.0.113.9" }, socket: { remoteAddress: "127.0.0.1" } };
  expect(through(fake as never)).toBe("203.0.113.9");
  expect(clientAddressOf({ TRUSTED_PROXIES: [] })(fake as never)).toBe("127.0.0.1");
});

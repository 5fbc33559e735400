// A lean HTTP client for measurements that share the api's heap (the GC test, bench/api.ts): one
// kept-alive socket, the body read whole, nothing else. Node's fetch allocates ~100 KB per request in the
// caller's heap (streams, headers, a tee of the body); where the api runs in the same process, its
// scavenges collect that garbage and the measurement pays for it (the GC test: 8.0 % promoted with fetch,
// 2.3 % this way; bench/api.ts: server p50 4.6–6.0 → 3.9–5.0 ms).
import http from "node:http";

/** POSTs bodies to `url` with these headers on one kept-alive socket (`close` ends it). */
export const leanPoster = (url: string, headers: Record<string, string>) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const sent = { "content-type": "application/json", ...headers, "content-length": Buffer.byteLength(body) };
      const req = http.request(url, { method: "POST", agent, headers: sent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      });
      req.on("error", reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
};

// A free loopback port, for servers the tests and the launcher start. No dependency beyond node:net, so
// light test helpers (and Playwright's loader) can import it without the entities.
import net from "node:net";

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

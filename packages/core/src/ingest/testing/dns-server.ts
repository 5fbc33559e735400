// A local DNS server for the sender-authentication tests (issue 13.3): answers TXT questions from a table
// (DKIM keys, DMARC and SPF records) and NXDOMAIN otherwise, over UDP on loopback — reached through
// SENDER_AUTH_DNS_SERVERS exactly as a deployment's resolver is.
import dgram from "node:dgram";
import type { AddressInfo } from "node:net";
import * as dnsPacket from "dns-packet";

export type DnsServer = { server: string; close: () => Promise<void> };

export const startDnsServer = async (txt: Record<string, string>): Promise<DnsServer> => {
  const socket = dgram.createSocket("udp4");
  const records = new Map(Object.entries(txt).map(([k, v]) => [k.toLowerCase(), v]));
  socket.on("message", (msg, rinfo) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    const value = question && question.type === "TXT" ? records.get(question.name.toLowerCase()) : undefined;
    // Long TXT values are split into 255-byte strings, as DNS requires.
    const chunks = value ? (value.match(/.{1,255}/g) ?? [value]) : [];
    const answer = dnsPacket.encode({
      type: "response",
      id: query.id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (value ? 0 : 3),
      questions: query.questions,
      answers: value && question ? [{ type: "TXT", name: question.name, ttl: 60, class: "IN", data: chunks }] : [],
    });
    socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    server: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
};

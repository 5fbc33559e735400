/**
 * Reads a message stream (SMTP DATA, a webhook body), keeping at most the first `limit` bytes and
 * draining the rest, and reports the full size: oversize mail is rejected without being buffered.
 */
export const readLimited = (stream: NodeJS.ReadableStream, limit: number) =>
  new Promise<{ raw: Buffer; size: number }>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    stream.on("end", () => resolve({ raw: Buffer.concat(chunks), size }));
    stream.on("error", reject);
  });

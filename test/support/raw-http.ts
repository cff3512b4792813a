import http from 'node:http';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Body bytes the client got to write before the server answered and closed. */
  sent: number;
}

/**
 * Sends a request with node:http, which (unlike fetch) reads an answer the server gives before the
 * body is fully sent, as a server that stops reading at its limit does (413, then the connection closes).
 * With `untilRefused`, it keeps sending after the answer until the server stops taking bytes and closes
 * (so `sent` shows how much the server let in), else it stops at the answer.
 */
export function sendRaw(
  url: string,
  options: { method: string; headers: Record<string, string>; chunks: Iterable<Buffer>; untilRefused?: boolean },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answer: Omit<RawAnswer, 'sent'> | undefined;
    let writing = true;
    const settle = () => {
      if (answer && !writing) resolve({ ...answer, sent });
    };
    const request = http.request(url, { method: options.method, headers: options.headers }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => {
        answer = { status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(parts).toString('utf8') };
        if (!options.untilRefused) writing = false;
        settle();
      });
      response.on('error', () => undefined);
    });
    // Writing into a connection the server closed fails; that is expected once it has answered.
    request.on('error', (error) => {
      writing = false;
      if (answer) settle();
      else if (!options.untilRefused) reject(error);
    });
    request.on('close', () => {
      writing = false;
      if (answer) settle();
      else reject(new Error('the connection closed without an answer'));
    });
    const chunks = options.chunks[Symbol.iterator]();
    const writeMore = () => {
      for (;;) {
        if (!writing || request.destroyed) return;
        const next = chunks.next();
        if (next.done) {
          request.end();
          return;
        }
        sent += next.value.length;
        if (!request.write(next.value)) {
          request.once('drain', writeMore);
          return;
        }
      }
    };
    writeMore();
  });
}

/** `total` bytes as `size`-byte chunks, made lazily. */
export function* chunksOf(total: number, size: number, fill = 0x20): Iterable<Buffer> {
  for (let done = 0; done < total; done += size) yield Buffer.alloc(Math.min(size, total - done), fill);
}

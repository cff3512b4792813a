import type http from 'node:http';

/** Listens on 127.0.0.1 only (an emulator is never reachable from the network); port 0 picks a free one. */
export function listenOnLoopback(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/** Stops at once, cutting open connections (an emulator's clients retry; a test must not wait for keep-alive). */
export function closeAtOnce(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

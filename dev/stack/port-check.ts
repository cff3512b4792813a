import net from 'node:net';

/** Fails with one message naming every port that is taken, so `npm start` says what to stop. */
export async function ensurePortsFree(ports: Array<{ port: number; what: string }>): Promise<void> {
  const taken: string[] = [];
  for (const { port, what } of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) taken.push(`${port} (${what})`);
  }
  if (taken.length > 0) {
    throw new Error(`port ${taken.join(', ')} already in use: stop the other process (another npm start, Azurite or func?) and try again`);
  }
}

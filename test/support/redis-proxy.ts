import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy to the shared Redis whose port can be closed and opened again: the service starts
 * against it (its queues need Redis to start), then the port is closed, so its Redis URL points
 * at a closed port while the shared Redis keeps running for everyone else.
 */
export async function redisBehindProxy(target: string): Promise<{ url: string; close(): Promise<void>; open(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let server = createServer();
  const serve = (listenPort: number) =>
    new Promise<number>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(port), hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(listenPort, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const proxyPort = await serve(0);
  const database = new URL(target).pathname;
  return {
    url: `redis://127.0.0.1:${proxyPort}${database}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    open: async () => {
      await serve(proxyPort);
    },
  };
}

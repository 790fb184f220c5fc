// A TCP proxy a test can cut and restore, to take one hub off a server the others still reach
// (a network partition). Test-only.
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TestTcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly targetPort: number,
    public port: number,
  ) {}

  /** Listens on a free port and forwards every connection to 127.0.0.1:`targetPort`. */
  static async start(targetPort: number): Promise<TestTcpProxy> {
    const proxy = new TestTcpProxy(targetPort, 0);
    await proxy.restore();
    return proxy;
  }

  /** Drops every connection and refuses new ones, as a broken network would. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forwards again, on the same port. */
  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (typeof address === 'object' && address) this.port = address.port;
    this.server = server;
  }
}

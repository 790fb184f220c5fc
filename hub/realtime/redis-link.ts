// The hub's two Redis connections (commands, and a subscriber, which Redis keeps apart) and
// whether Redis is reachable. An outage is logged once when it starts and once when it ends,
// never per frame; commands fail at once while Redis is away (no offline queue), so a frame
// is never held up waiting for it.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export class RedisLink {
  readonly cmd: Redis;
  readonly sub: Redis;
  /** Both connections ready. */
  up = false;
  /** This hub has run without Redis (since it started, or through an outage): frames may have missed other hubs. */
  private ranWithout = false;
  private closing = false;
  private lastError?: string;
  private readonly channels = new Map<string, (message: string) => void>();
  private readonly recovered: Array<() => void> = [];
  private readonly waiting: Array<() => void> = [];

  constructor(
    url: string,
    /** Put before every key and channel, so that several deployments (or tests) can share one Redis. */
    readonly prefix: string,
    private readonly log: Logger,
  ) {
    this.cmd = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'clinic-chat-hub' });
    this.sub = new Redis(url, { connectionName: 'clinic-chat-hub-sub' });
    for (const client of [this.cmd, this.sub]) {
      // ioredis reports each failed reconnect attempt; the state change below is what gets logged.
      client.on('error', (error: Error) => (this.lastError = error.message));
      client.on('ready', () => this.check());
      client.on('close', () => this.check());
    }
    this.sub.on('message', (channel: string, message: string) => {
      try {
        this.channels.get(channel)?.(message);
      } catch (error) {
        // Something this hub cannot read (another version of the hub, or not a hub at all) must not stop it.
        this.log.warn({ channel, err: error instanceof Error ? error.message : String(error) }, 'a message from redis could not be handled');
      }
    });
  }

  /** Resolves when Redis is reachable, or after `ms` (the hub starts either way and says so). */
  async ready(ms: number): Promise<boolean> {
    if (!this.up) await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (!this.up) {
      this.ranWithout = true;
      this.log.warn({ err: this.lastError }, 'redis unreachable at start: serving this hub’s sockets only until it is');
    }
    return this.up;
  }

  subscribe(channel: string, handler: (message: string) => void): void {
    this.channels.set(channel, handler);
    // While Redis is away this waits in the subscriber's queue; ioredis also resubscribes on reconnect.
    this.sub.subscribe(channel).catch(() => undefined);
  }

  unsubscribe(channel: string): void {
    this.channels.delete(channel);
    this.sub.unsubscribe(channel).catch(() => undefined);
  }

  /** Called when Redis is reachable again after an outage. */
  onRecovered(handler: () => void): void {
    this.recovered.push(handler);
  }

  close(): void {
    this.closing = true;
    this.cmd.disconnect();
    this.sub.disconnect();
  }

  private check(): void {
    const up = this.cmd.status === 'ready' && this.sub.status === 'ready';
    if (up === this.up) return;
    // Closing the hub is not an outage: nothing to log or catch up.
    if (this.closing) {
      this.up = false;
      return;
    }
    this.up = up;
    if (!up) {
      this.ranWithout = true;
      this.log.warn({ err: this.lastError }, 'redis unreachable: serving this hub’s sockets only until it returns');
      return;
    }
    for (const wake of this.waiting.splice(0)) wake();
    if (!this.ranWithout) {
      this.log.info('redis connected');
      return;
    }
    this.ranWithout = false;
    this.log.info('redis reachable again: catching up');
    void this.resubscribed().then((confirmed) => {
      if (!confirmed) return; // gone again: the next return catches up
      for (const handler of this.recovered) handler();
    });
  }

  /**
   * Resolves once Redis has confirmed this hub's subscriptions (ioredis sends them again on
   * reconnect, but after saying it is ready), so that catching up never races a notice another
   * hub publishes meanwhile. False if Redis went away again.
   */
  private async resubscribed(): Promise<boolean> {
    const channels = [...this.channels.keys()];
    if (channels.length) await this.sub.subscribe(...channels).catch(() => undefined);
    return this.up;
  }
}

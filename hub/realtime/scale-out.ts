// One hub or several: the one object, chosen at start-up, that carries live frames, presence
// and shared rate limits between hubs. One hub keeps all of it in memory; several hubs share
// it through Redis. The gateway calls the same methods either way.
import { nanoid } from 'nanoid';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { MemoryBroker, type Broker } from './broker.js';
import { MemoryPresenceStore, type PresenceStore } from './presence-store.js';
import { RedisBroker } from './redis-broker.js';
import { RedisLink } from './redis-link.js';
import { RedisPresenceStore } from './redis-presence.js';

export interface RedisOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Put before every key and channel. Default `clinic-chat:`. */
  keyPrefix?: string;
  /** How long a hub's presence outlives its last refresh: a killed hub's people show as gone after about this. Default 3000. */
  presenceTtlMs?: number;
}

export interface ScaleOut {
  broker: Broker;
  presence: PresenceStore;
  /** A limiter every hub counts against together (per person, not per socket). */
  sharedLimiter(options: { points: number; duration: number; keyPrefix: string }): RateLimiterAbstract;
  /** For /health: whether Redis is reachable, when there is one. */
  health(): { redis?: 'up' | 'down' };
  /**
   * Called with the orgs whose sockets may have missed frames from other hubs: when Redis returns
   * after an outage (or after a start without it), and when another hub says it could not publish.
   */
  onRecovered(handler: (orgs: string[]) => void): void;
  close(): Promise<void>;
}

export function oneHub(): ScaleOut {
  return {
    broker: new MemoryBroker(),
    presence: new MemoryPresenceStore(),
    sharedLimiter: ({ points, duration }) => new RateLimiterMemory({ points, duration }),
    health: () => ({}),
    onRecovered: () => undefined,
    close: async () => undefined,
  };
}

export async function redisHubs(options: RedisOptions, log: Logger): Promise<ScaleOut> {
  const hubId = nanoid(10);
  const link = new RedisLink(options.url, options.keyPrefix ?? 'clinic-chat:', log.child({ redis: true }));
  const presence = new RedisPresenceStore(link, hubId, options.presenceTtlMs ?? 3000, log);
  const broker = new RedisBroker(link, hubId);
  const recovered: Array<(orgs: string[]) => void> = [];
  const catchUp = (orgs: string[]) => {
    if (orgs.length) for (const handler of recovered) handler(orgs);
  };
  // Sockets missed frames from other hubs when this hub lost Redis while others had people in
  // their org (presence), or when another hub could not publish their org's frames (broker).
  link.onRecovered(() => {
    void Promise.all([presence.resync(), broker.recover()]).then(([seen, told]) => catchUp([...new Set([...seen, ...told])]));
  });
  broker.onCatchUp((orgId) => catchUp([orgId]));
  await link.ready(3000);
  return {
    broker,
    presence,
    sharedLimiter: ({ points, duration, keyPrefix }) =>
      new RateLimiterRedis({
        storeClient: link.cmd,
        points,
        duration,
        keyPrefix: `${link.prefix}${keyPrefix}`,
        // While Redis is away each hub counts on its own, with the same limits.
        insuranceLimiter: new RateLimiterMemory({ points, duration }),
      }),
    health: () => ({ redis: link.up ? 'up' : 'down' }),
    onRecovered: (handler) => recovered.push(handler),
    close: async () => {
      presence.close();
      link.close();
    },
  };
}

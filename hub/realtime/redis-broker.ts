// Live fan-out between hubs over Redis pub/sub: one channel per org, subscribed only while
// this hub has sockets in that org. An envelope is published once, already encoded; a hub
// ignores its own (it has delivered them locally). What is published while Redis is away is
// lost for the other hubs; when Redis returns this hub tells them so, and their clients get
// it through resume (see ScaleOut.onRecovered).
import type { Broker, Envelope } from './broker.js';
import type { RedisLink } from './redis-link.js';

/**
 * How long a hub's word that it could not publish an org's frames stays in Redis, for hubs
 * that get Redis back after it does (they missed the notice on the channel).
 */
const CATCH_UP_TTL_MS = 5 * 60 * 1000;

type Wire = { hub: string; envelope: Envelope } | { hub: string; catchUp: true };

export class RedisBroker implements Broker {
  private handler: (envelope: Envelope) => void = () => undefined;
  private catchUpHandler: (orgId: string) => void = () => undefined;
  private readonly watched = new Set<string>();
  /** Orgs with frames this hub could not carry to the others (Redis away). */
  private readonly dropped = new Set<string>();

  constructor(
    private readonly link: RedisLink,
    private readonly hubId: string,
  ) {}

  publish(envelope: Envelope): void {
    if (!this.link.up) {
      this.dropped.add(envelope.org);
      return;
    }
    const wire: Wire = { hub: this.hubId, envelope };
    this.link.cmd.publish(this.channel(envelope.org), JSON.stringify(wire)).catch(() => this.dropped.add(envelope.org));
  }

  watch(orgId: string): void {
    this.watched.add(orgId);
    this.link.subscribe(this.channel(orgId), (message) => {
      const wire = JSON.parse(message) as Wire;
      if (wire.hub === this.hubId) return;
      if ('catchUp' in wire) this.catchUpHandler(orgId);
      else this.handler(wire.envelope);
    });
  }

  unwatch(orgId: string): void {
    this.watched.delete(orgId);
    this.link.unsubscribe(this.channel(orgId));
  }

  onEnvelope(handler: (envelope: Envelope) => void): void {
    this.handler = handler;
  }

  /** Another hub could not publish the org's frames for a while: this hub's sockets there missed some. */
  onCatchUp(handler: (orgId: string) => void): void {
    this.catchUpHandler = handler;
  }

  /**
   * Redis is back (its subscriptions confirmed): tells the hubs in each org whose frames this hub
   * dropped that their sockets missed some, on the channel and in a key for hubs not back yet,
   * and returns the orgs of this hub's sockets that another hub said the same of.
   */
  async recover(): Promise<string[]> {
    const dropped = [...this.dropped];
    this.dropped.clear();
    const watched = [...this.watched];
    const m = this.link.cmd.multi();
    for (const orgId of dropped) {
      m.sadd(this.catchUpKey(orgId), this.hubId).pexpire(this.catchUpKey(orgId), CATCH_UP_TTL_MS);
      m.publish(this.channel(orgId), JSON.stringify({ hub: this.hubId, catchUp: true } satisfies Wire));
    }
    for (const orgId of watched) m.smembers(this.catchUpKey(orgId));
    const results = await m.exec().catch(() => null);
    if (!results) {
      // Redis went away again: tell them next time.
      for (const orgId of dropped) this.dropped.add(orgId);
      return [];
    }
    const said = results.slice(results.length - watched.length);
    return watched.filter((_, i) => {
      const [error, hubs] = said[i] as [Error | null, string[] | null];
      return !error && (hubs ?? []).some((hub) => hub !== this.hubId);
    });
  }

  private channel(orgId: string): string {
    return `${this.link.prefix}live:${orgId}`;
  }

  private catchUpKey(orgId: string): string {
    return `${this.link.prefix}catch-up:${orgId}`;
  }
}

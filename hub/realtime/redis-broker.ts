// Live fan-out between hubs over Redis pub/sub: one channel per org, subscribed only while
// this hub has sockets in that org. An envelope is published once, already encoded; a hub
// ignores its own (it has delivered them locally). What is published while Redis is away is
// lost for the other hubs; their clients get it through resume (see ScaleOut.onRecovered).
import type { Broker, Envelope } from './broker.js';
import type { RedisLink } from './redis-link.js';

interface Wire {
  hub: string;
  envelope: Envelope;
}

export class RedisBroker implements Broker {
  private handler: (envelope: Envelope) => void = () => undefined;

  constructor(
    private readonly link: RedisLink,
    private readonly hubId: string,
  ) {}

  publish(envelope: Envelope): void {
    if (!this.link.up) return;
    const wire: Wire = { hub: this.hubId, envelope };
    this.link.cmd.publish(this.channel(envelope.org), JSON.stringify(wire)).catch(() => undefined);
  }

  watch(orgId: string): void {
    this.link.subscribe(this.channel(orgId), (message) => {
      const wire = JSON.parse(message) as Wire;
      if (wire.hub !== this.hubId) this.handler(wire.envelope);
    });
  }

  unwatch(orgId: string): void {
    this.link.unsubscribe(this.channel(orgId));
  }

  onEnvelope(handler: (envelope: Envelope) => void): void {
    this.handler = handler;
  }

  private channel(orgId: string): string {
    return `${this.link.prefix}live:${orgId}`;
  }
}

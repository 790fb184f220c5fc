// Rate limits on messages and typing frames: per socket (in this hub's memory: a socket lives
// on one hub) and per person across all their sockets (shared by every hub when there are several).
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Identity } from '../auth/identity.js';
import type { ScaleOut } from './scale-out.js';
import type { Session } from './session.js';

export class RateLimits {
  private readonly perConnection: RateLimiterAbstract;
  private readonly perUser: RateLimiterAbstract;

  constructor(scale: ScaleOut, limits: { perConnectionPerSecond: number; perUserPerMinute: number }) {
    this.perConnection = new RateLimiterMemory({ points: limits.perConnectionPerSecond, duration: 1 });
    this.perUser = scale.sharedLimiter({ points: limits.perUserPerMinute, duration: 60, keyPrefix: 'rl:user' });
  }

  /** Spends one point of the socket's and the person's limits; false when either is used up. */
  async allow(session: Session, identity: Identity): Promise<boolean> {
    try {
      await this.perConnection.consume(session.id);
      await this.perUser.consume(`${identity.orgId}:${identity.kind}:${identity.id}`);
      return true;
    } catch {
      return false;
    }
  }
}

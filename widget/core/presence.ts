// Who is here: when each peer was last heard, for heartbeat expiry.
import type { Peer } from '../../protocol/index.js';

export class Presence {
  private readonly lastHeard = new Map<string, { peer: Peer; at: number }>();

  heard(peer: Peer, here: boolean): void {
    if (here) this.lastHeard.set(peer.id, { peer, at: Date.now() });
    else this.lastHeard.delete(peer.id);
  }

  peer(id: string): Peer | undefined {
    return this.lastHeard.get(id)?.peer;
  }

  anyProvider(): boolean {
    return [...this.lastHeard.values()].some((h) => h.peer.role === 'provider');
  }

  /** Forgets the peers for whom `gone(silentMs)` says so, and returns them. */
  expire(gone: (silentMs: number) => boolean): Peer[] {
    const now = Date.now();
    const expired: Peer[] = [];
    for (const [id, heard] of this.lastHeard) {
      if (!gone(now - heard.at)) continue;
      this.lastHeard.delete(id);
      expired.push(heard.peer);
    }
    return expired;
  }
}

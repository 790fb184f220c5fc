// Who is here and who is typing: when each peer was last heard (for heartbeat expiry) and
// the typing lines per thread, each with its own expiry.
import type { Peer } from '../../protocol/index.js';

export const TYPING_SEND_EVERY_MS = 3000;
const TYPING_EXPIRES_MS = 6000;

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

export class Typing {
  private readonly until = new Map<string, Map<string, { name: string; until: number }>>();

  set(threadId: string, from: string, name: string, active: boolean): void {
    const map = this.until.get(threadId) ?? new Map<string, { name: string; until: number }>();
    this.until.set(threadId, map);
    if (active) map.set(from, { name, until: Date.now() + TYPING_EXPIRES_MS });
    else map.delete(from);
  }

  /** Someone who sent a message has stopped typing it. Returns whether anything changed. */
  clear(threadId: string, from: string): boolean {
    return this.until.get(threadId)?.delete(from) ?? false;
  }

  /** The names typing in a thread now, expired ones dropped. */
  names(threadId: string): string[] {
    const map = this.until.get(threadId);
    const now = Date.now();
    for (const [id, t] of map ?? []) if (t.until < now) map!.delete(id);
    return [...(map?.values() ?? [])].map((t) => t.name);
  }

  threads(): string[] {
    return [...this.until.keys()];
  }
}

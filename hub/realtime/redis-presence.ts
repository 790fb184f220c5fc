// Presence shared through Redis. Each hub keeps, per org it has sockets in, one hash of its
// people with a short expiry that it refreshes every beat, and lists itself in the org's set
// of hubs. A hub that dies stops refreshing, its hash expires, and the others notice on
// their next sweep: they read every org they follow once a beat, so expiry needs no keyspace
// notifications (often disabled on managed Redis, delivered only when Redis gets round to
// expiring a key, and lost while a subscriber is disconnected). A join or leave also pings the
// org's presence channel so the others read it at once rather than on their next beat.
import type { Logger } from 'pino';
import type { Present, PresenceStore, PresentPatient, RemotePresence } from './presence-store.js';
import { NOBODY } from './presence-store.js';
import type { RedisLink } from './redis-link.js';

/** How long a catch-up waits for the first read of an org's presence before going on without it. */
const FIRST_READ_WAIT_MS = 1000;

/** The org's set of hubs outlives any one hub's hash; it is tidied by the readers, and each hub lists itself every beat. */
const ORG_SET_TTL_MS = 24 * 3600 * 1000;

export class RedisPresenceStore implements PresenceStore {
  /** This hub's people per org: hash field → value, as written to Redis. */
  private readonly local = new Map<string, Map<string, string>>();
  /** Orgs whose last write to Redis failed (Redis away): written again in full when it returns. */
  private readonly stale = new Set<string>();
  private readonly followed = new Set<string>();
  private readonly views = new Map<string, RemotePresence>();
  /** Per followed org, the first read of the others' people since `watch`. */
  private readonly firstRead = new Map<string, Promise<void>>();
  private readonly refreshing = new Map<string, { again: boolean; done: Promise<void> }>();
  private handler: (orgId: string) => void = () => undefined;
  private readonly beat: ReturnType<typeof setInterval>;

  constructor(
    private readonly link: RedisLink,
    private readonly hubId: string,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {
    this.beat = setInterval(() => void this.onBeat(), Math.max(100, Math.floor(ttlMs / 3)));
  }

  join(orgId: string, who: Present): void {
    const [field, value] = entry(who);
    let fields = this.local.get(orgId);
    if (!fields) this.local.set(orgId, (fields = new Map()));
    fields.set(field, value);
    const key = this.hashKey(orgId, this.hubId);
    this.write(orgId, (m) => m.hset(key, field, value).pexpire(key, this.ttlMs).sadd(this.setKey(orgId), this.hubId).pexpire(this.setKey(orgId), ORG_SET_TTL_MS));
  }

  leave(orgId: string, who: Present): void {
    const [field] = entry(who);
    const fields = this.local.get(orgId);
    fields?.delete(field);
    if (fields?.size === 0) {
      this.local.delete(orgId);
      this.write(orgId, (m) => m.del(this.hashKey(orgId, this.hubId)).srem(this.setKey(orgId), this.hubId));
    } else {
      this.write(orgId, (m) => m.hdel(this.hashKey(orgId, this.hubId), field));
    }
  }

  watch(orgId: string): void {
    this.followed.add(orgId);
    this.link.subscribe(this.channel(orgId), (from) => {
      if (from !== this.hubId) void this.refresh(orgId);
    });
    this.firstRead.set(orgId, this.refresh(orgId));
  }

  unwatch(orgId: string): void {
    this.followed.delete(orgId);
    this.firstRead.delete(orgId);
    this.link.unsubscribe(this.channel(orgId));
    this.views.delete(orgId);
  }

  remote(orgId: string): RemotePresence {
    return this.views.get(orgId) ?? NOBODY;
  }

  async ready(orgId: string): Promise<void> {
    const first = this.firstRead.get(orgId);
    if (!first) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A Redis that is connected but does not answer must not hold a client's catch-up up.
    await Promise.race([first, new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_READ_WAIT_MS)))]);
    clearTimeout(timer);
  }

  onChange(handler: (orgId: string) => void): void {
    this.handler = handler;
  }

  /**
   * After an outage: writes this hub's people again (Redis may have lost them, or kept some
   * who left meanwhile), reads every followed org, and returns the orgs that have people on
   * other hubs before or after, whose sockets may have missed frames from those hubs.
   */
  async resync(): Promise<string[]> {
    const affected = new Set([...this.views].filter(([, v]) => v.staff || v.patients.size).map(([org]) => org));
    for (const orgId of new Set([...this.local.keys(), ...this.stale])) this.writeAll(orgId);
    await Promise.all([...this.followed].map((orgId) => this.refresh(orgId)));
    for (const [org, v] of this.views) if (v.staff || v.patients.size) affected.add(org);
    return [...affected];
  }

  close(): void {
    clearInterval(this.beat);
  }

  /** Keeps this hub's hashes alive and reads the followed orgs (which is how a dead hub is noticed). */
  private async onBeat(): Promise<void> {
    if (!this.link.up) return;
    const orgs = [...this.local.keys()];
    if (orgs.length) {
      const m = this.link.cmd.multi();
      // The hub lists itself again too: a reader that found its hash expired may have taken it
      // off the org's list just as it was written again.
      for (const orgId of orgs) m.pexpire(this.hashKey(orgId, this.hubId), this.ttlMs).sadd(this.setKey(orgId), this.hubId).pexpire(this.setKey(orgId), ORG_SET_TTL_MS);
      const results = await m.exec().catch(() => null);
      // 0: the hash is gone (Redis restarted, or this process stalled past the expiry): write it again.
      orgs.forEach((orgId, i) => {
        if (results?.[i * 3]?.[1] === 0) this.writeAll(orgId);
      });
    }
    await Promise.all([...this.followed].map((orgId) => this.refresh(orgId)));
  }

  private writeAll(orgId: string): void {
    const key = this.hashKey(orgId, this.hubId);
    const fields = this.local.get(orgId);
    this.stale.delete(orgId);
    this.write(orgId, (m) => {
      m.del(key);
      if (!fields?.size) return m.srem(this.setKey(orgId), this.hubId);
      return m.hset(key, Object.fromEntries(fields)).pexpire(key, this.ttlMs).sadd(this.setKey(orgId), this.hubId).pexpire(this.setKey(orgId), ORG_SET_TTL_MS);
    });
  }

  private write(orgId: string, build: (m: ReturnType<RedisLink['cmd']['multi']>) => unknown): void {
    if (!this.link.up) {
      this.stale.add(orgId);
      return;
    }
    const m = this.link.cmd.multi();
    build(m);
    m.publish(this.channel(orgId), this.hubId);
    m.exec().catch(() => this.stale.add(orgId));
  }

  /** Reads the org's people on other hubs; calls the handler if that changed. One read at a time per org. */
  private refresh(orgId: string): Promise<void> {
    const running = this.refreshing.get(orgId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state = { again: true, done: Promise.resolve() };
    this.refreshing.set(orgId, state);
    state.done = (async () => {
      try {
        while (state.again) {
          state.again = false;
          const view = await this.read(orgId).catch(() => undefined);
          // Redis away: keep what was last seen; or no longer followed meanwhile.
          if (!view || !this.followed.has(orgId)) continue;
          const changed = !same(view, this.views.get(orgId) ?? NOBODY);
          this.views.set(orgId, view);
          if (changed) this.handler(orgId);
        }
      } finally {
        this.refreshing.delete(orgId);
      }
    })();
    return state.done;
  }

  private async read(orgId: string): Promise<RemotePresence> {
    const hubs = (await this.link.cmd.smembers(this.setKey(orgId))).filter((h) => h !== this.hubId);
    const patients = new Map<string, PresentPatient>();
    let staff = false;
    if (!hubs.length) return { patients, staff };
    const m = this.link.cmd.multi();
    for (const hub of hubs) m.hgetall(this.hashKey(orgId, hub));
    const results = (await m.exec()) ?? [];
    const gone: string[] = [];
    results.forEach(([error, value], i) => {
      const fields = (error ? {} : value) as Record<string, string>;
      const names = Object.keys(fields);
      if (!names.length) gone.push(hubs[i]!);
      for (const name of names) {
        const [kind, id] = JSON.parse(name) as ['p' | 's', string];
        if (kind === 's') staff = true;
        else patients.set(id, JSON.parse(fields[name]!) as PresentPatient);
      }
    });
    // A hub whose hash expired is gone; take it off the org's list (any reader may; SREM is idempotent).
    if (gone.length) {
      this.log.debug({ org: orgId, hubs: gone }, 'presence of a hub expired');
      await this.link.cmd.srem(this.setKey(orgId), ...gone).catch(() => undefined);
    }
    return { patients, staff };
  }

  private hashKey(orgId: string, hub: string): string {
    return `${this.link.prefix}presence:${orgId}:${hub}`;
  }

  private setKey(orgId: string): string {
    return `${this.link.prefix}presence-hubs:${orgId}`;
  }

  private channel(orgId: string): string {
    return `${this.link.prefix}presence:${orgId}`;
  }
}

function entry(who: Present): [string, string] {
  return who.kind === 'staff' ? [JSON.stringify(['s', who.id]), '1'] : [JSON.stringify(['p', who.patient.peer.id]), JSON.stringify(who.patient)];
}

function same(a: RemotePresence, b: RemotePresence): boolean {
  if (a.staff !== b.staff || a.patients.size !== b.patients.size) return false;
  for (const [id, p] of a.patients) {
    const q = b.patients.get(id);
    if (!q || q.visit !== p.visit || q.peer.name !== p.peer.name) return false;
  }
  return true;
}

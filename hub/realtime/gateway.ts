// The WebSocket gateway: authenticates each socket, validates every frame with the protocol
// schemas, stores messages (ack after commit), fans frames out within the org (to this hub's
// sockets and, through the broker, to other hubs'), keeps presence current and answers
// `resume` with exactly what a client missed. Identity and org always come from the verified
// token, never from a frame. Nothing here caches what another hub can change: the database
// decides seq, idempotency, claims, ended and opted-out.
import type { WebSocket } from 'ws';
import { decodeFrame, type ErrorCode, type OutgoingFrame } from '../../protocol/index.js';
import { peerOf, type Identity } from '../auth/identity.js';
import { ROLE_CACHE_MS, can } from '../auth/permissions.js';
import { RoleSweep } from './role-sweep.js';
import { AuthError, resolveIdentity, verifyClaims, type VerifiedToken } from '../auth/tokens.js';
import type { HubContext } from '../context.js';
import { attachmentKeysOf, deleteConversation } from '../db/repositories/conversations.js';
import { isOriginAllowed } from '../db/repositories/orgs.js';
import { DeferredWrites } from '../domain/deferred-writes.js';
import { MessageWriter } from '../domain/message-writer.js';
import { MessageAdmission } from './admission.js';
import { liveItem, type Envelope, type Route } from './broker.js';
import { ConversationRefs } from './conversation-refs.js';
import { storedEnvelopes } from './message-frames.js';
import { PresenceView, CARE_TEAM, presentPatient } from './presence.js';
import type { Present } from './presence-store.js';
import { RateLimits } from './rate-limits.js';
import { Registry } from './registry.js';
import { InboxLive } from './inbox-live.js';
import { Replay } from './replay.js';
import { oneHub, type ScaleOut } from './scale-out.js';
import { Sequencer } from './sequencer.js';
import { CLOSE, Session } from './session.js';
import { Uploads } from './uploads.js';
import { Ingest } from './ingest.js';
import { ThreadSignals } from './thread-signals.js';
import { Timeline } from '../domain/timeline.js';

/** Frames by which staff write into a thread (`chats.write`); receipts and resume only read. */
const STAFF_WRITES: ReadonlySet<string> = new Set(['message', 'chunk', 'typing', 'ended']);

export interface GatewayOptions {
  /** A socket must authenticate within this time. */
  authTimeoutMs: number;
  /** Ping period; a socket that misses a pong is dropped (and its person shown as gone). */
  heartbeatMs: number;
  /** Unsent bytes a socket may hold before it is closed with a resumable code. */
  maxBufferedBytes: number;
  /** Messages and typing frames per socket per second. */
  perConnectionPerSecond: number;
  /** Messages and typing frames per person per minute, across their sockets. */
  perUserPerMinute: number;
  /** Bytes of unfinished attachment uploads a socket may hold. */
  maxUploadBytes: number;
  /** An upload that receives no chunk for this long is dropped (the sender's outbox sends it again). */
  uploadIdleMs: number;
  /** Messages waiting for a commit before new ones are refused with `overloaded`. */
  maxWriteBacklog: number;
  /** How often open staff sockets take their org's roles again (a role changed or deleted). */
  roleSweepMs: number;
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  authTimeoutMs: 5000,
  heartbeatMs: 5000,
  roleSweepMs: ROLE_CACHE_MS,
  maxBufferedBytes: 1024 * 1024,
  perConnectionPerSecond: 50,
  perUserPerMinute: 1200,
  maxUploadBytes: 12 * 1024 * 1024,
  uploadIdleMs: 60_000,
  maxWriteBacklog: 5000,
};

/** How long shutdown waits for clients to complete the closing handshake before dropping them. */
const SHUTDOWN_GRACE_MS = 2000;
/** Frames of one socket waiting to be handled before the hub stops reading it, and when it reads again. */
const INBOUND_HIGH_WATER = 64;
const INBOUND_LOW_WATER = 16;
export class Gateway {
  private readonly registry = new Registry();
  private readonly sessions = new Set<Session>();
  private readonly writer: MessageWriter;
  private readonly admission: MessageAdmission;
  private readonly deferred: DeferredWrites;
  private readonly uploads: Uploads;
  private readonly chains = new WeakMap<Session, Promise<void>>();
  private readonly conversations: ConversationRefs;
  private readonly replay: Replay;
  private readonly ingest: Ingest;
  private readonly signals: ThreadSignals;
  /** Inbox changes made anywhere in this hub (REST actions too) go out through here. */
  readonly inbox: InboxLive;
  private readonly limits: RateLimits;
  private readonly presence: PresenceView;
  private readonly sequencer = new Sequencer(
    (envelope) => {
      for (const target of this.registry.targets(envelope)) target.deliver(envelope.item);
    },
    (orgId, thread, afterSeq, upTo) => storedEnvelopes(this.ctx, orgId, thread, afterSeq, upTo),
  );
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly roleSweep: RoleSweep;
  private readonly options: GatewayOptions;
  private closing = false;
  private lastBeat = Date.now();

  constructor(
    private readonly ctx: HubContext,
    options: Partial<GatewayOptions> = {},
    private readonly scale: ScaleOut = oneHub(),
  ) {
    this.options = { ...DEFAULT_GATEWAY_OPTIONS, ...options };
    this.writer = new MessageWriter(ctx.db, () => ctx.health.up);
    this.admission = new MessageAdmission(ctx.health);
    this.deferred = new DeferredWrites(ctx.db, (error) =>
      ctx.log.error({ err: error instanceof Error ? error.message : String(error) }, 'cursor/audit write failed'),
    );
    this.limits = new RateLimits(scale, this.options);
    this.presence = new PresenceView(this.registry, scale.presence);
    this.uploads = new Uploads(this.options.maxUploadBytes, this.options.uploadIdleMs);
    this.conversations = new ConversationRefs(ctx);
    this.inbox = new InboxLive(ctx.db, (orgId, route, frames) => this.publish(orgId, route, frames));
    this.replay = new Replay(ctx, this.conversations, this.presence, scale, this.sequencer, this.deferred);
    const timeline = new Timeline(ctx.db, this.inbox);
    this.signals = new ThreadSignals({ ctx, conversations: this.conversations, deferred: this.deferred, inbox: this.inbox, timeline, publish: (orgId, route, frames) => this.publish(orgId, route, frames) });
    this.ingest = new Ingest({
      ctx,
      writer: this.writer,
      admission: this.admission,
      uploads: this.uploads,
      conversations: this.conversations,
      inbox: this.inbox,
      timeline,
      deferred: this.deferred,
      maxWriteBacklog: this.options.maxWriteBacklog,
      allow: (session, identity) => this.allow(session, identity),
      fanOut: (sender, orgId, thread, frames) => this.signals.fanOut(sender, orgId, thread, frames),
    });
    scale.broker.onEnvelope((envelope) => this.deliverLocal(envelope));
    scale.onRecovered((orgs) => this.recover(orgs));
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.roleSweep = new RoleSweep(ctx, () => this.sessions, this.options.roleSweepMs);
  }

  get connections(): number {
    return this.sessions.size;
  }

  /** Takes a freshly upgraded socket; the caller passes its messages and its close here. */
  accept(ws: WebSocket, origin: string | undefined): Session {
    const session = new Session(ws, origin, this.options.maxBufferedBytes, (s) =>
      this.ctx.log.warn({ session: s.id, org: s.identity?.orgId }, 'socket closed: client reads too slowly'),
    );
    if (this.closing) {
      session.close(CLOSE.restart, 'hub restarting');
      return session;
    }
    this.sessions.add(session);
    session.authTimer = setTimeout(() => {
      if (!session.identity) this.refuse(session, 'unauthorized', 'no auth frame in time', CLOSE.authTimeout);
    }, this.options.authTimeoutMs);
    ws.on('pong', () => (session.alive = true));
    return session;
  }

  /** One incoming WebSocket message (text, or binary which we refuse). */
  message(session: Session, data: unknown): void {
    // Any frame proves the client alive, even if a busy loop has not read its pong yet.
    session.alive = true;
    // Frames wait in this socket's queue while earlier ones are handled; past a bound the hub
    // stops reading the socket (TCP pushes back on the client) instead of queueing without end.
    if (++session.inbound >= INBOUND_HIGH_WATER) session.ws.pause();
    this.enqueue(session, async () => {
      try {
        await this.receive(session, data);
      } finally {
        if (--session.inbound <= INBOUND_LOW_WATER && session.ws.isPaused) session.ws.resume();
      }
    });
  }

  closed(session: Session): void {
    this.enqueue(session, () => this.disconnect(session));
  }

  /** Closes every socket with a resumable code and waits for stored-but-unacked work to finish. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    this.roleSweep.stop();
    this.sequencer.close();
    const sessions = [...this.sessions];
    for (const session of sessions) session.close(CLOSE.restart, 'hub restarting');
    await Promise.all(sessions.map((s) => this.chains.get(s)));
    await this.writer.close();
    await this.deferred.flush();
    // A client that does not complete the closing handshake (dead network) must not hold shutdown up.
    const open = sessions.filter((s) => s.ws.readyState !== s.ws.CLOSED);
    if (open.length) {
      await Promise.race([
        Promise.all(open.map((s) => new Promise((resolve) => s.ws.once('close', resolve)))),
        new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS)),
      ]);
      for (const s of open) s.ws.terminate();
    }
  }

  // ---- per-socket serial processing ------------------------------------------------------

  /** Frames of one socket are handled in order; a failure in one never stops the next. */
  private enqueue(session: Session, task: () => Promise<void>): void {
    const next = (this.chains.get(session) ?? Promise.resolve()).then(task).catch((error: unknown) => {
      if (this.admission.frameFailed(session, error)) return;
      this.ctx.log.error({ session: session.id, err: error instanceof Error ? error.message : String(error) }, 'frame handling failed');
      session.send({ type: 'error', code: 'internal', message: 'the hub could not handle that frame' });
    });
    this.chains.set(session, next);
  }

  private async receive(session: Session, data: unknown): Promise<void> {
    if (session.closed) return;
    const decoded = typeof data === 'string' ? decodeFrame(data) : undefined;
    if (!decoded?.ok) {
      const error = decoded?.error ?? { code: 'malformed' as const, message: 'frames are JSON text, not binary', ref: undefined };
      session.send({ type: 'error', code: error.code, message: error.message, ...(error.ref ? { ref: error.ref } : {}) });
      if (!session.identity) this.refuse(session, 'unauthorized', 'authenticate first', CLOSE.unauthorized);
      return;
    }
    const frame = decoded.frame;
    if (frame.type === 'auth') return this.authenticate(session, frame.token);
    const identity = session.identity;
    if (!identity) return this.refuse(session, 'unauthorized', 'the first frame must be auth', CLOSE.unauthorized);
    if (identity.kind === 'staff' && STAFF_WRITES.has(frame.type) && !can(identity, 'chats.write')) {
      const ref = frame.type === 'message' ? frame.id : undefined;
      session.send({ type: 'error', code: 'forbidden', message: 'your role does not grant chats.write', ...(ref && { ref }) });
      return;
    }
    switch (frame.type) {
      case 'message':
        return this.admission.message(session, frame, () => this.ingest.message(session, identity, frame));
      case 'chunk':
        return this.ingest.chunk(session, identity, frame);
      case 'delivered':
      case 'read':
        return this.signals.receipt(session, identity, frame.type, frame.thread, frame.ids);
      case 'typing':
        if (!(await this.allow(session, identity))) {
          session.send({ type: 'error', code: 'rate-limited', message: 'too many typing frames; slow down' });
          return;
        }
        return this.signals.typing(session, identity, frame.thread, frame.active);
      case 'ended':
        return this.signals.ended(session, identity, frame.thread);
      case 'presence':
        if (frame.state === 'joined') this.presenceSnapshot(session, identity);
        return;
      case 'ping':
        session.send({ type: 'pong' });
        return;
      case 'viewing':
        if (!(await this.allow(session, identity))) return;
        return this.inbox.view(session, identity, frame.conversation, frame.active);
      case 'resume':
        return this.replay.resume(session, identity, frame.seen, frame.only === true);
      case 'error':
        return;
      default:
        session.send({ type: 'error', code: 'not-allowed', message: `${frame.type} frames are sent by the hub, not to it` });
    }
  }

  // ---- identity --------------------------------------------------------------------------

  private async authenticate(session: Session, token: string): Promise<void> {
    let claims: VerifiedToken;
    try {
      claims = await verifyClaims(this.ctx, token);
    } catch (error) {
      // The key could not be read for want of the database: that says nothing against the token.
      if (!(error instanceof AuthError) && this.ctx.health.report(error)) return this.refuse(session, 'overloaded', 'the database is unavailable; reconnect shortly', CLOSE.tryAgain);
      const reason = error instanceof AuthError ? error.message : 'token refused';
      return this.refuse(session, 'unauthorized', reason, CLOSE.unauthorized);
    }
    // The origin is checked before anything is written: a page the org does not allow records no one.
    if (!session.identity && session.origin && !(await isOriginAllowed(this.ctx.db, claims.orgId, session.origin))) {
      return this.refuse(session, 'forbidden', 'this origin may not connect for this organisation', CLOSE.forbidden);
    }
    let identity: Identity;
    try {
      identity = await resolveIdentity(this.ctx, claims);
    } catch (error) {
      if (error instanceof AuthError) return this.refuse(session, 'unauthorized', error.message, CLOSE.unauthorized);
      throw error;
    }
    // A staff socket receives every conversation of the org: it needs the right to read them.
    if (identity.kind === 'staff' && !can(identity, 'chats.read')) return this.refuse(session, 'forbidden', 'your role does not grant chats.read', CLOSE.forbidden);
    // Closed while the token was being checked (auth timeout, shutdown): register nothing.
    if (session.closed) return;
    const current = session.identity;
    if (current) {
      // A refreshed token on a live socket must name the same person.
      if (current.orgId !== identity.orgId || current.id !== identity.id || current.kind !== identity.kind) {
        return this.refuse(session, 'unauthorized', 'a refreshed token must be for the same person', CLOSE.unauthorized);
      }
      session.identity = identity;
      this.scheduleExpiry(session);
      return;
    }
    clearTimeout(session.authTimer);
    session.identity = identity;
    this.scheduleExpiry(session);
    // Live frames wait until the client's `resume` is answered: history first, then live, each once.
    session.hold();
    const { firstOfPerson, firstOfOrg } = this.registry.add(session);
    if (firstOfOrg) {
      this.scale.broker.watch(identity.orgId);
      this.scale.presence.watch(identity.orgId);
    }
    if (firstOfPerson) this.scale.presence.join(identity.orgId, presentOf(identity));
    this.ctx.log.info({ session: session.id, org: identity.orgId, kind: identity.kind }, 'socket authenticated');
    session.send({ type: 'ready', me: peerOf(identity), session: session.id, heartbeatMs: this.options.heartbeatMs });
    this.presence.update(identity.orgId);
  }

  private scheduleExpiry(session: Session): void {
    clearTimeout(session.expiryTimer);
    const ms = Math.max(0, session.identity!.expiresAt - Date.now());
    session.expiryTimer = setTimeout(() => this.refuse(session, 'unauthorized', 'token expired', CLOSE.unauthorized), Math.min(ms, 2 ** 31 - 1));
  }

  private refuse(session: Session, code: ErrorCode, message: string, close: number): void {
    session.send({ type: 'error', code, message });
    session.close(close, message);
  }

  /** What a newly joined client should know: the patients here (staff), or whether the care team is (patient). */
  private presenceSnapshot(session: Session, identity: Identity): void {
    if (identity.kind === 'staff') {
      for (const patient of this.presence.patients(identity.orgId).values()) {
        session.send({ type: 'presence', from: patient.peer, state: 'here', ...(patient.visit ? { visit: patient.visit } : {}) });
      }
      this.inbox.viewersTo(session, this.registry.staffOf(identity.orgId));
    } else {
      session.send({ type: 'presence', from: CARE_TEAM, state: this.presence.careTeamHere(identity.orgId) ? 'here' : 'left' });
    }
  }

  private async disconnect(session: Session): Promise<void> {
    session.close(CLOSE.restart, 'closed');
    this.sessions.delete(session);
    this.uploads.drop(session);
    const identity = session.identity;
    if (!identity) return;
    this.inbox.socketClosed(session, identity);
    const { lastOfPerson, lastOfOrg } = this.registry.remove(session);
    if (lastOfPerson) this.scale.presence.leave(identity.orgId, presentOf(identity));
    if (lastOfOrg) {
      this.scale.broker.unwatch(identity.orgId);
      this.scale.presence.unwatch(identity.orgId);
    }
    this.presence.update(identity.orgId);
    if (identity.kind === 'patient' && lastOfPerson && this.ctx.ephemeral) await this.purge(identity);
  }

  /**
   * Redis is back after an outage: frames other hubs published meanwhile never reached these
   * sockets. Closing them with the resumable code makes each client reconnect and `resume`,
   * which replays from the database exactly what it missed.
   */
  private recover(orgs: readonly string[]): void {
    for (const orgId of orgs) {
      const sessions = this.registry.sessionsOf(orgId);
      if (sessions.length) this.ctx.log.info({ org: orgId, sockets: sessions.length }, 'asking sockets to resume after a redis outage');
      for (const session of sessions) session.close(CLOSE.restart, 'reconnect and resume');
    }
  }

  /** Relay mode: the conversation and its frames vanish when the patient has left. */
  private async purge(identity: Identity): Promise<void> {
    const ref = this.conversations.cached(identity.orgId, identity.externalId);
    if (!ref) return;
    this.conversations.forget(identity.orgId, identity.externalId);
    const keys = await attachmentKeysOf(this.ctx.db, identity.orgId, ref.id);
    await deleteConversation(this.ctx.db, identity.orgId, ref.id);
    for (const s of this.registry.staffOf(identity.orgId)) s.forgetThread(identity.externalId);
    // Another socket may have looked the conversation up (and cached it) while it was being deleted.
    this.conversations.forget(identity.orgId, identity.externalId, ref.id);
    for (const key of keys) await this.ctx.blobs.delete?.(key);
  }

  // ---- helpers ---------------------------------------------------------------------------

  private allow(session: Session, identity: Identity): Promise<boolean> {
    return this.limits.allow(session, identity);
  }

  /** Encodes the frames once, delivers them to this hub's sockets and hands them to the broker for the others. */
  private publish(orgId: string, route: Route, frames: readonly OutgoingFrame[]): void {
    const envelope: Envelope = { org: orgId, route, item: liveItem(frames) };
    this.deliverLocal(envelope);
    this.scale.broker.publish(envelope);
  }

  private deliverLocal(envelope: Envelope): void {
    this.sequencer.push(envelope);
  }

  private beat(): void {
    const now = Date.now();
    const late = now - this.lastBeat > this.options.heartbeatMs * 1.5;
    this.lastBeat = now;
    for (const session of this.sessions) {
      this.uploads.expire(session, now);
      // A beat that fired late means this process was too busy to read pongs: judge no one on it.
      if (late) {
        session.alive = true;
        continue;
      }
      if (!session.alive) {
        session.ws.terminate();
        continue;
      }
      session.alive = false;
      try {
        session.ws.ping();
      } catch {
        session.ws.terminate();
      }
    }
  }
}

function presentOf(identity: Identity): Present {
  return identity.kind === 'patient' ? { kind: 'patient', patient: presentPatient(identity) } : { kind: 'staff', id: identity.id };
}

// The session of <clinic-chat>: builds its ChatCore and transport (hub mode: after the first
// token), re-emits the core's events as DOM events, and tears it all down. Decides by value
// what a property change means, so a framework re-render that hands over an equal `me` or a
// new `getToken` function keeps the chat.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { nanoid } from 'nanoid';
import type { Peer, Role } from '../../../protocol/index.js';
import { ChatCore } from '../../core/chat-core.js';
import type { QueueEntry, Retention } from '../../core/types.js';
import { HubTransport, readTokenClaims } from '../../transports/hub.js';
import { LocalTransport } from '../../transports/local.js';
import type { Transport } from '../../transports/transport.js';
import { CoreController } from '../core-controller.js';
import { emit } from '../events.js';
import { firstToken, tokenSource } from './token-source.js';

/** Who this widget speaks for. The host's own backend decides; the widget never invents identity in hub mode. */
export interface ChatIdentity {
  id: string;
  name: string;
}

/** What the session reads from its host element. */
export interface SessionHost extends ReactiveControllerHost, HTMLElement {
  readonly hasUpdated: boolean;
  hub?: string;
  token?: string;
  getToken?: () => string | Promise<string>;
  chatRole: Role;
  room: string;
  visit?: string;
  retention: Retention;
  me?: ChatIdentity;
  transport?: Transport;
  queue?: readonly QueueEntry[];
  maxFileSize: number;
  notifications: boolean;
}

/** The inputs a running session was built from; any difference in them needs a new session. */
interface Basis {
  hub?: string;
  retention: Retention;
  /** Ephemeral mode only. */
  role?: Role;
  meId?: string;
  room?: string;
  transport?: Transport;
  /** Hub mode: the token's subject, once known. */
  subject?: string;
  /** Hub mode: no token could be had; a new `token` or `getToken` is worth another try. */
  tokenless?: boolean;
  token?: string;
  getToken?: () => string | Promise<string>;
}

const CORE_EVENTS = ['message', 'unread', 'open', 'minimize', 'close', 'ended', 'presence', 'error'] as const;

/** Set up per session by another controller; the returned function undoes it at teardown. */
export type SessionHook = (core: ChatCore) => (() => void) | void;

export class SessionController implements ReactiveController {
  /** The current core's state, for rendering; the host re-renders on every snapshot. */
  readonly view: CoreController;
  private current?: ChatCore;
  private basis?: Basis;
  /** Increments on every build and teardown, so a build that awaited its token does not start after a newer one. */
  private _callId = 0;
  private abort?: AbortController;
  private applied: { visit?: string; queue?: readonly QueueEntry[]; notifications?: boolean; maxFileSize?: number } = {};
  private readonly hooks = new Set<SessionHook>();
  private undo: Array<() => void> = [];
  private warnedName = false;

  constructor(private readonly host: SessionHost) {
    host.addController(this);
    this.view = new CoreController(host);
  }

  get core(): ChatCore | undefined {
    return this.current;
  }

  /** True in hub mode: threads live in the hub, not only in this page. */
  get viaHub(): boolean {
    return Boolean(this.host.hub);
  }

  /** Runs `hook` for the current and every later core. */
  onSession(hook: SessionHook): void {
    this.hooks.add(hook);
    if (this.current) this.runHook(hook, this.current);
  }

  hostConnected(): void {
    // The first build waits for the first update: properties a host set before the element was
    // defined (`getToken`, `transport`, `me`…) are only applied to it then.
    if (!this.basis && this.host.hasUpdated) this.build();
  }

  hostDisconnected(): void {
    // A framework that moves the element re-connects it in the same task: keep the chat then.
    queueMicrotask(() => {
      if (!this.host.isConnected) this.teardown();
    });
  }

  hostUpdate(): void {
    if (!this.host.isConnected) return;
    if (!this.basis) return this.build();
    if (this.needsNewSession(this.basis)) {
      this.teardown();
      return this.build();
    }
    this.applyLive();
  }

  /** Ends the session: the core says goodbye, the transport closes, a pending hub build is dropped. */
  teardown(): void {
    this._callId++;
    this.abort?.abort();
    this.abort = undefined;
    for (const undo of this.undo.splice(0)) undo();
    this.current?.stop();
    this.current = undefined;
    this.basis = undefined;
    this.applied = {};
    this.view.set(undefined);
  }

  private needsNewSession(basis: Basis): boolean {
    const h = this.host;
    if (basis.hub !== h.hub || basis.retention !== h.retention) return true;
    if (!h.hub) {
      // By value: a re-render that passes an equal `me` is the same person.
      if (basis.role !== h.chatRole || basis.room !== h.room || basis.transport !== h.transport) return true;
      const id = h.me?.id;
      if (id !== undefined && id !== basis.meId) return true;
      if (h.me && this.current && h.me.name !== this.current.state.me.name) this.warnName();
      return false;
    }
    if (basis.tokenless) return basis.token !== h.token || basis.getToken !== h.getToken;
    // A token for someone else is someone else's session; the same person's new token, or a new
    // `getToken`, is simply used at the next connect or refresh.
    if (h.token !== basis.token && h.token && basis.subject) {
      const sub = readTokenClaims(h.token).sub;
      if (sub && sub !== basis.subject) return true;
    }
    return false;
  }

  private warnName(): void {
    if (this.warnedName) return;
    this.warnedName = true;
    console.warn('[clinic-chat:name-change] `me.name` changed during a session; the chat keeps the name it started with (a new `me.id` starts a new session).');
  }

  private applyLive(): void {
    const core = this.current;
    if (!core) return;
    const h = this.host;
    if (h.visit !== this.applied.visit) {
      this.applied.visit = h.visit;
      core.setVisit(h.visit);
    }
    if (h.queue !== this.applied.queue) {
      this.applied.queue = h.queue;
      if (h.queue) core.setQueue(h.queue);
    }
    if (h.maxFileSize !== this.applied.maxFileSize) {
      // A new file limit applies to the next file; the conversation stays.
      this.applied.maxFileSize = h.maxFileSize;
      core.setMaxFileBytes(h.maxFileSize);
    }
    if (h.notifications !== this.applied.notifications) {
      this.applied.notifications = h.notifications;
      core.setNotifications(h.notifications);
    }
  }

  private build(): void {
    const h = this.host;
    const key = ++this._callId;
    this.abort = new AbortController();
    const common = { hub: h.hub, retention: h.retention };
    if (h.hub) {
      this.basis = { ...common, token: h.token, getToken: h.getToken };
      void this.buildForHub(h.hub, key, this.abort.signal);
      return;
    }
    if (!h.me) console.warn('[clinic-chat:no-identity] set `me` ({ id, name }); using a random id for this page.');
    const me = h.me ?? { id: `anon-${nanoid(10)}`, name: h.chatRole === 'provider' ? 'Care team' : 'Patient' };
    this.basis = { ...common, role: h.chatRole, meId: h.me?.id, room: h.room, transport: h.transport };
    this.start({ id: me.id, name: me.name, role: h.chatRole }, h.transport ?? new LocalTransport(h.room), h.visit);
  }

  /** Hub mode: who this is comes from the vendor's token (the hub verifies it); the widget invents nothing. */
  private async buildForHub(url: string, key: number, signal: AbortSignal): Promise<void> {
    const source = tokenSource(this.host);
    const first = await firstToken(source);
    if (key !== this._callId || signal.aborted || !this.basis) return;
    const claims = first ? readTokenClaims(first) : {};
    if (!first || !claims.sub) {
      this.basis.tokenless = true;
      emit(this.host, 'clinic-chat-error', { code: 'unauthorized', message: 'hub mode needs a token (the `token` attribute or `getToken`)' });
      return;
    }
    this.basis.subject = claims.sub;
    const role: Role = claims.role === 'patient' ? 'patient' : 'provider';
    this.host.chatRole = role;
    let pending: string | undefined = first;
    const getToken = () => {
      const token = pending ?? source();
      pending = undefined;
      return token;
    };
    this.start({ id: claims.sub, name: claims.name ?? claims.sub, role }, new HubTransport({ url, getToken }), claims.visit ?? this.host.visit);
  }

  private start(me: Peer, transport: Transport, visit: string | undefined): void {
    const h = this.host;
    const core = new ChatCore({ me, transport, retention: h.retention, visit, maxFileBytes: h.maxFileSize });
    this.current = core;
    this.applied = { visit: h.visit, queue: h.queue, notifications: h.notifications, maxFileSize: h.maxFileSize };
    this.undo = CORE_EVENTS.map((name) => core.events.on(name, (detail) => emit(h, `clinic-chat-${name}`, detail as never)));
    core.setNotifications(h.notifications);
    if (h.queue) core.setQueue(h.queue);
    core.setVisible(document.visibilityState !== 'hidden');
    for (const hook of this.hooks) this.runHook(hook, core);
    this.view.set(core);
    core.start();
  }

  private runHook(hook: SessionHook, core: ChatCore): void {
    const undo = hook(core);
    if (undo) this.undo.push(undo);
  }
}

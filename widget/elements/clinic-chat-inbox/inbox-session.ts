// The session of <clinic-chat-inbox>: one socket to the hub shared by a ChatCore (the
// conversation's messages, receipts, sending) and an InboxCore (the list, the actions, notes),
// both built from the vendor's token and torn down together. The host re-renders on every
// snapshot of either.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ChatCore } from '../../core/chat-core.js';
import { InboxApi, apiBaseOf } from '../../inbox/inbox-api.js';
import { InboxCore } from '../../inbox/inbox-core.js';
import { HubTransport, readTokenClaims } from '../../transports/hub.js';
import { emit } from '../events.js';
import { firstToken, tokenSource } from '../controllers/token-source.js';

export interface InboxSessionHost extends ReactiveControllerHost, HTMLElement {
  readonly hasUpdated: boolean;
  hub?: string;
  /** The REST base, when it is not the hub's URL without `/ws`. */
  api?: string;
  token?: string;
  getToken?: () => string | Promise<string>;
}

export interface InboxParts {
  chat: ChatCore;
  inbox: InboxCore;
}

type Hook = (parts: InboxParts) => () => void;

export class InboxSessionController implements ReactiveController {
  private parts?: InboxParts;
  private basis?: string;
  private undo: Array<() => void> = [];
  private readonly hooks = new Set<Hook>();
  /** Increments per build and teardown, so a build that awaited its token does not start after a newer one. */
  private _callId = 0;

  constructor(private readonly host: InboxSessionHost) {
    host.addController(this);
  }

  get chat(): ChatCore | undefined {
    return this.parts?.chat;
  }

  get inbox(): InboxCore | undefined {
    return this.parts?.inbox;
  }

  /** Runs `hook` for the current and every later session; what it returns undoes it at teardown. */
  onSession(hook: Hook): void {
    this.hooks.add(hook);
    if (this.parts) this.undo.push(hook(this.parts));
  }

  hostConnected(): void {
    if (this.host.hasUpdated) this.sync();
  }

  hostUpdate(): void {
    this.sync();
  }

  hostDisconnected(): void {
    // A framework that moves the element re-connects it in the same task: keep the session then.
    queueMicrotask(() => {
      if (!this.host.isConnected) this.teardown();
    });
  }

  private sync(): void {
    if (!this.host.isConnected) return;
    const basis = `${this.host.hub ?? ''}|${this.host.api ?? ''}|${this.host.getToken ? 'fn' : (this.host.token ?? '')}`;
    if (basis === this.basis) return;
    this.teardown();
    this.basis = basis;
    if (this.host.hub) void this.build(this.host.hub, this._callId);
  }

  private teardown(): void {
    this._callId++;
    for (const undo of this.undo.splice(0)) undo();
    this.parts?.inbox.stop();
    this.parts?.chat.stop();
    this.parts = undefined;
    this.basis = undefined;
    this.host.requestUpdate();
  }

  private async build(hub: string, call: number): Promise<void> {
    const source = tokenSource(this.host);
    const first = await firstToken(source);
    if (call !== this._callId) return;
    const claims = first ? readTokenClaims(first) : {};
    if (!first || !claims.sub || claims.role === 'patient') {
      emit(this.host, 'clinic-chat-error', { code: 'unauthorized', message: 'the inbox needs a care-team token (the `token` attribute or `getToken`)' });
      return;
    }
    const transport = new HubTransport({ url: hub, getToken: source });
    const chat = new ChatCore({ me: { id: claims.sub, name: claims.name ?? claims.sub, role: 'provider' }, transport, retention: 'session', repliesWhileAway: true });
    const inbox = new InboxCore({ api: new InboxApi({ base: this.host.api ?? apiBaseOf(hub), getToken: source }), socket: transport });
    const parts = (this.parts = { chat, inbox });
    this.undo.push(
      chat.subscribe(() => this.host.requestUpdate()),
      inbox.subscribe(() => this.host.requestUpdate()),
      inbox.events.on('error', (detail) => emit(this.host, 'clinic-chat-inbox-error', detail)),
    );
    for (const hook of this.hooks) this.undo.push(hook(parts));
    chat.setVisible(document.visibilityState !== 'hidden');
    chat.start();
    await inbox.start();
  }
}

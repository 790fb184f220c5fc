// The widget's core and HubTransport against a real hub (SQLite file, real WebSockets).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { countMessages } from '../../hub/db/repositories/messages.js';
import { createHub, type Hub } from '../../hub/hub.js';
import { createTestOrg, type TestOrg } from '../../hub/testing/tokens.js';
import { ChatCore } from '../core/chat-core.js';
import { HubTransport, readTokenClaims, type WebSocketLike } from './hub.js';

let dir: string;
let hub: Hub;
let clinic: TestOrg;
const cores: ChatCore[] = [];

async function join_(sub: string, role: 'patient' | 'staff', getToken?: () => Promise<string>) {
  const token = await clinic.mint({ sub, role, name: sub.toUpperCase() });
  const transport = new HubTransport({
    url: hub.wsUrl,
    getToken: getToken ?? (() => token),
    WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike,
    minBackoffMs: 50,
    maxBackoffMs: 200,
  });
  const claims = readTokenClaims(token);
  const core = new ChatCore({ me: { id: claims.sub!, name: claims.name!, role: role === 'patient' ? 'patient' : 'provider' }, transport });
  core.start();
  cores.push(core);
  await vi.waitFor(() => expect(core.state.connection).toBe('online'));
  return core;
}
const thread = (core: ChatCore, id: string) => core.state.threads.find((t) => t.id === id);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinic-chat-widget-hub-'));
  hub = await createHub({ port: 0, dataDir: dir, logger: pino({ level: 'silent' }), gateway: { heartbeatMs: 300 } });
  clinic = await createTestOrg(hub.ctx);
});

afterEach(async () => {
  for (const core of cores.splice(0)) core.stop();
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe('HubTransport with the chat core', () => {
  it('reads who it is from the token claims without verifying them', async () => {
    const token = await clinic.mint({ sub: 'ana', name: 'Ana', role: 'patient', visit: 'v9' });
    expect(readTokenClaims(token)).toMatchObject({ sub: 'ana', name: 'Ana', role: 'patient', visit: 'v9' });
    expect(readTokenClaims('not-a-token')).toEqual({});
  });

  it('takes a message from sending to sent only once the hub has stored it, then delivered and read', async () => {
    const dr = await join_('dr-lee', 'staff');
    const ana = await join_('ana', 'patient');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.present).toBe(true));
    await vi.waitFor(() => expect(thread(ana, 'ana')?.present).toBe(true)); // the care team is online
    const sent = await ana.send('hello through the hub');
    expect(sent.status).toBe('sending');
    await vi.waitFor(() => expect(thread(ana, 'ana')!.messages[0].status).not.toBe('sending'));
    expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(1);
    expect(thread(ana, 'ana')!.messages[0].seq).toBe(1);
    await vi.waitFor(() => expect(thread(ana, 'ana')!.messages[0].status).toBe('delivered'));
    dr.open('ana');
    await vi.waitFor(() => expect(thread(ana, 'ana')!.messages[0].status).toBe('read'));
    expect(thread(dr, 'ana')!.messages.map((m) => [m.text, m.seq])).toEqual([['hello through the hub', 1]]);
  });

  it('keeps what is typed during an outage and delivers it exactly once after reconnecting', async () => {
    const dr = await join_('dr-lee', 'staff');
    const ana = await join_('ana', 'patient');
    await ana.send('before');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages).toHaveLength(1));
    // The hub drops every socket (a network blip); the clients reconnect on their own.
    const sockets = [...(hub.gateway as unknown as { sessions: Set<{ ws: { terminate(): void } }> }).sessions];
    for (const s of sockets) s.ws.terminate();
    // Typed at once: the socket may not even know yet that it is dead; the outbox re-sends on reconnect.
    await ana.send('during 1');
    await ana.send('during 2');
    await vi.waitFor(() => expect(ana.state.connection).toBe('online'), { timeout: 5000 });
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages.map((m) => m.text)).toEqual(['before', 'during 1', 'during 2']), { timeout: 5000 });
    expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(3);
  });

  it('catches up on what was missed while away, in order', async () => {
    const ana = await join_('ana', 'patient');
    const dr = await join_('dr-lee', 'staff');
    await ana.send('one');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages).toHaveLength(1));
    dr.stop();
    await ana.send('two');
    await ana.send('three');
    await vi.waitFor(() => expect(thread(ana, 'ana')!.messages.slice(1).map((m) => m.status)).toEqual(['sent', 'sent']));
    const later = await join_('dr-lee', 'staff');
    await vi.waitFor(() => expect(thread(later, 'ana')?.messages.map((m) => m.text)).toEqual(['one', 'two', 'three']));
  });

  it('gives a reloaded page its own stored messages back as its own, once, in order', async () => {
    const dr = await join_('dr-lee', 'staff');
    const ana = await join_('ana', 'patient');
    await ana.send('one');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages).toHaveLength(1));
    dr.open('ana');
    await dr.send('two');
    await vi.waitFor(() => expect(thread(ana, 'ana')?.messages).toHaveLength(2));
    ana.stop();
    dr.stop();

    const [anaAgain, drAgain] = [await join_('ana', 'patient'), await join_('dr-lee', 'staff')];

    const shown = (core: ChatCore) => thread(core, 'ana')?.messages.map((m) => [m.text, m.mine, m.seq]);
    await vi.waitFor(() => expect(shown(anaAgain)).toEqual([['one', true, 1], ['two', false, 2]]));
    await vi.waitFor(() => expect(shown(drAgain)).toEqual([['one', false, 1], ['two', true, 2]]));
    // Stored, not in the outbox: nothing of it is sent again; and the receipts come back from the cursors.
    expect(thread(anaAgain, 'ana')!.messages[0].status).toBe('read');
    // The provider had read Ana's message before reloading: it is not unread again.
    expect(thread(drAgain, 'ana')!.unread).toBe(0);
    expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(2);
  });

  it('tells a page whose origin the org does not allow that it is refused, and stops retrying', async () => {
    class ForeignPage extends WebSocket {
      constructor(url: string) {
        super(url, { origin: 'https://evil.example' });
      }
    }
    let issued = 0;
    const token = await clinic.mint({ sub: 'mallory', role: 'patient' });
    const transport = new HubTransport({
      url: hub.wsUrl,
      getToken: () => (issued++, token),
      WebSocket: ForeignPage as unknown as new (url: string) => WebSocketLike,
      minBackoffMs: 20,
    });
    const core = new ChatCore({ me: { id: 'mallory', name: 'M', role: 'patient' }, transport });
    const errors: string[] = [];
    core.events.on('error', (e) => errors.push(e.code));
    core.start();
    cores.push(core);
    await vi.waitFor(() => expect(core.state.connection).toBe('refused'));
    await new Promise((r) => setTimeout(r, 200));
    expect(issued).toBe(1);
    expect(errors).toContain('forbidden');
  });

  it('refreshes a short-lived token near its expiry, not every second', async () => {
    let issued = 0;
    const getToken = async () => {
      issued++;
      return clinic.mint({ sub: 'ana', role: 'patient', name: 'ANA' }, { expiresIn: 20 });
    };
    await join_('ana', 'patient', getToken);
    const before = issued;
    await new Promise((r) => setTimeout(r, 2500));
    expect(issued).toBe(before);
  });

  it('gives up on a hub that stopped answering and reconnects, without waiting for the socket to close', async () => {
    const token = await clinic.mint({ sub: 'ana', role: 'patient', name: 'ANA' });
    const transport = new HubTransport({
      url: hub.wsUrl,
      getToken: () => token,
      WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike,
      minBackoffMs: 20,
      livenessMs: 100,
    });
    const ana = new ChatCore({ me: { id: 'ana', name: 'ANA', role: 'patient' }, transport });
    const states: string[] = [];
    ana.subscribe((s) => states.at(-1) !== s.connection && states.push(s.connection));
    ana.start();
    cores.push(ana);
    await vi.waitFor(() => expect(ana.state.connection).toBe('online'));
    // The hub's end of the socket stops reading: it neither answers pings nor closes.
    const [session] = [...(hub.gateway as unknown as { sessions: Set<{ ws: { _socket: { pause(): void } } }> }).sessions];
    session.ws._socket.pause();
    await vi.waitFor(() => expect(states).toEqual(['connecting', 'online', 'offline', 'online']), { timeout: 3000 });
    await ana.send('after the blackout');
    await vi.waitFor(() => expect(thread(ana, 'ana')!.messages[0].status).toBe('sent'));
  });

  it('asks for a fresh token before reconnecting', async () => {
    let issued = 0;
    const getToken = async () => {
      issued++;
      return clinic.mint({ sub: 'ana', role: 'patient', name: 'ANA' });
    };
    const ana = await join_('ana', 'patient', getToken);
    const before = issued;
    const sockets = [...(hub.gateway as unknown as { sessions: Set<{ ws: { terminate(): void } }> }).sessions];
    for (const s of sockets) s.ws.terminate();
    await vi.waitFor(() => expect(issued).toBeGreaterThan(before));
    await vi.waitFor(() => expect(ana.state.connection).toBe('online'));
  });
});

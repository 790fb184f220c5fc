import { describe, expect, it } from 'vitest';
import { peerStateOf, snapshot } from './snapshot.js';
import { ThreadStore } from './threads.js';
import type { ChatMessage, ThreadState } from './types.js';

function thread(patch: Partial<ThreadState> = {}): ThreadState {
  const store = new ThreadStore((a, b) => a.clock - b.clock);
  return { ...store.ensure({ id: 'ana', name: 'Ana', role: 'patient' }, undefined, true), ...patch };
}

describe('peerStateOf: where the other side is', () => {
  it('puts a refused page before an ended chat, and an ended chat before everything else', () => {
    expect(peerStateOf(thread({ ended: true }), 'provider', 'refused')).toBe('unavailable');
    expect(peerStateOf(thread({ ended: true, present: false }), 'provider', 'offline')).toBe('ended');
  });

  it('says the patient left rather than that this page is offline', () => {
    expect(peerStateOf(thread({ present: false }), 'provider', 'offline')).toBe('left');
    expect(peerStateOf(thread(), 'provider', 'offline')).toBe('offline');
  });

  it('in the shared inbox an absent patient is away (a reply is stored), and offline wins over away', () => {
    expect(peerStateOf(thread({ present: false }), 'provider', 'online', true)).toBe('away');
    expect(peerStateOf(thread({ present: false }), 'provider', 'offline', true)).toBe('offline');
    expect(peerStateOf(thread({ present: false, ended: true }), 'provider', 'online', true)).toBe('ended');
    expect(peerStateOf(thread(), 'provider', 'online', true)).toBe('waiting');
  });

  it('tells the care team waiting or in the call, and the patient waiting or here', () => {
    expect(peerStateOf(thread(), 'provider', 'online')).toBe('waiting');
    expect(peerStateOf(thread({ inCall: true }), 'provider', 'online')).toBe('in-call');
    expect(peerStateOf(thread({ present: false }), 'patient', 'online')).toBe('waiting');
    expect(peerStateOf(thread({ present: true }), 'patient', 'online')).toBe('here');
  });
});

describe('snapshot', () => {
  const message = { id: 'm1', thread: 'ana', text: 'hi', clock: 1 } as ChatMessage;
  const base = { me: { id: 'dr-lee', name: 'Dr Lee', role: 'provider' as const }, retention: 'session' as const, connection: 'online' as const, active: null, box: 'open' as const, notifications: false };

  it('totals the unread counts and takes the role from me', () => {
    const state = snapshot({ ...base, threads: [thread({ unread: 2 }), thread({ id: 'ben', unread: 3 })], ephemeral: true });
    expect([state.role, state.totalUnread]).toEqual(['provider', 5]);
  });

  it('would lose messages on unload only in ephemeral mode with a thread that holds some', () => {
    expect(snapshot({ ...base, threads: [thread()], ephemeral: true }).wouldLoseOnUnload).toBe(false);
    expect(snapshot({ ...base, threads: [thread({ messages: [message] })], ephemeral: true }).wouldLoseOnUnload).toBe(true);
    expect(snapshot({ ...base, threads: [thread({ messages: [message] })], ephemeral: false }).wouldLoseOnUnload).toBe(false);
  });
});

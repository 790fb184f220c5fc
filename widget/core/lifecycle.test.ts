import { describe, expect, it } from 'vitest';
import { ProtocolError, type Peer } from '../../protocol/index.js';
import { IncomingAttachments } from './attachments.js';
import { OrderingClock } from './clock.js';
import { peerDelivery } from './delivery.js';
import { Emitter } from './emitter.js';
import { ThreadLifecycle } from './lifecycle.js';
import { Outbox } from './outbox.js';
import { retentionPolicy } from './retention.js';
import { ThreadStore } from './threads.js';
import type { CoreEventMap } from './types.js';

function setup(role: Peer['role'] = 'provider') {
  const me: Peer = role === 'provider' ? { id: 'dr-lee', name: 'Dr Lee', role } : { id: 'ana', name: 'Ana', role };
  const threads = new ThreadStore((a, b) => a.clock - b.clock);
  const events = new Emitter<CoreEventMap>();
  const errors: string[] = [];
  const presence: CoreEventMap['presence'][] = [];
  events.on('presence', (d) => presence.push(d));
  const outbox = new Outbox({ store: threads, delivery: peerDelivery, clock: new OrderingClock(), send: () => true, counterpartPresent: () => true, retryMs: 1000, maxRetryMs: 1000 });
  const life = new ThreadLifecycle({
    me,
    threads,
    events,
    outbox,
    incoming: new IncomingAttachments(),
    retention: retentionPolicy('session', () => undefined),
    visit: () => 'visit-1',
    fail: (code, message) => (errors.push(message), new ProtocolError(code, message)),
  });
  return { life, threads, errors, presence };
}

describe('ThreadLifecycle', () => {
  it('remembers when a chat ended, for its transcript, and a new visit forgets it', () => {
    const { life, threads } = setup();
    life.fromQueue({ id: 'ana', name: 'Ana' });
    const before = Date.now();
    life.markEnded('ana');
    expect(threads.get('ana')!.endedAt).toBeGreaterThanOrEqual(before);
    life.newVisit('ana', 'visit-2');
    expect(threads.get('ana')).toMatchObject({ ended: false, endedAt: undefined });
  });

  it('takes a patient from the host\'s queue: present or gone, renamed, in the call', () => {
    const { life, threads, presence } = setup();
    life.fromQueue({ id: 'ana', name: 'Ana' });
    life.fromQueue({ id: 'ana', name: 'Ana B.', inCall: true });
    expect(threads.get('ana')).toMatchObject({ patient: { name: 'Ana B.' }, present: true, inCall: true });
    life.fromQueue({ id: 'ana', name: 'Ana B.', present: false });
    expect(threads.get('ana')).toMatchObject({ present: false, inCall: false });
    expect(presence).toEqual([{ thread: 'ana', present: false }]);
  });

  it('dismisses a patient who left, refuses one who is still here, and queues her anew when she returns', () => {
    const { life, threads, errors } = setup();
    life.fromQueue({ id: 'ana', name: 'Ana' });
    expect(life.dismiss('ana')).toBe(false);
    expect(errors).toEqual(['Ana is still here']);
    life.setPresent('ana', false);
    expect(life.dismiss('ana')).toBe(true);
    expect(threads.has('ana')).toBe(false);
    life.returned('ana');
    expect(threads.has('ana')).toBe(true);
  });

  it('lets no patient dismiss anyone', () => {
    const { life, errors } = setup('patient');
    life.ensure({ id: 'ana', name: 'Ana', role: 'patient' });
    expect(life.dismiss('ana')).toBe(false);
    expect(errors).toEqual(['no patient ana in the queue']);
  });

  it('starts an ended chat again on a new visit', () => {
    const { life, threads } = setup();
    life.ensure({ id: 'ana', name: 'Ana', role: 'patient' }, 'visit-1');
    life.markEnded('ana');
    expect(threads.get('ana')!.ended).toBe(true);
    life.newVisit('ana', 'visit-2');
    expect(threads.get('ana')).toMatchObject({ ended: false, visit: 'visit-2' });
  });
});

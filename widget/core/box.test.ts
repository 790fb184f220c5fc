import { describe, expect, it } from 'vitest';
import type { OutgoingFrame, Peer, Role } from '../../protocol/index.js';
import { ProtocolError } from '../../protocol/index.js';
import { Box } from './box.js';
import { Emitter } from './emitter.js';
import { retentionPolicy } from './retention.js';
import { ThreadStore } from './threads.js';
import type { ChatMessage, CoreEventMap, Retention } from './types.js';

const patient = (id: string): Peer => ({ id, name: id, role: 'patient' });

function setup(role: Role = 'provider', retention: Retention = 'session') {
  const me: Peer = role === 'provider' ? { id: 'dr-lee', name: 'Dr Lee', role } : patient('ana');
  const threads = new ThreadStore((a, b) => a.clock - b.clock);
  const events = new Emitter<CoreEventMap>();
  const sent: OutgoingFrame[] = [];
  const errors: string[] = [];
  const unread: CoreEventMap['unread'][] = [];
  const opened: string[] = [];
  const erased: string[] = [];
  events.on('unread', (d) => unread.push(d));
  events.on('open', (d) => opened.push(d.thread));
  const box = new Box({
    me,
    threads,
    events,
    retention: retentionPolicy(retention, (id) => erased.push(id)),
    send: (frame) => sent.push(frame) > 0,
    fail: (code, message) => (errors.push(message), new ProtocolError(code, message)),
  });
  for (const id of role === 'provider' ? ['ana', 'ben'] : ['ana']) threads.ensure(patient(id), undefined, true);
  let clock = 0;
  const write = (thread: string, from: Peer = patient(thread)) => {
    const message: ChatMessage = { id: `m${++clock}`, thread, from, text: 'hi', at: clock, clock, mine: false, attachments: [] };
    threads.insert(thread, message);
    box.arrived(thread, from.role === me.role);
    if (box.isViewing(thread)) box.markViewed();
    return message;
  };
  const unreadOf = (id: string) => threads.get(id)!.unread;
  const reads = () => sent.filter((f) => f.type === 'read').flatMap((f) => (f.type === 'read' ? f.ids : []));
  return { box, threads, sent, errors, unread, opened, erased, write, unreadOf, reads };
}

describe('Box: which thread is in view', () => {
  it('starts a patient on their own open box, and the care team on no thread', () => {
    expect([setup('patient').box.active, setup('patient').box.state]).toEqual(['ana', 'open']);
    expect(setup('provider').box.active).toBe(null);
  });

  it('opens only a patient in the queue, and says why otherwise', () => {
    const { box, errors } = setup();
    expect(box.open('zoe')).toBe(undefined);
    expect(errors).toEqual(['no patient zoe in the queue']);
    expect(box.open('ana')).toBe('ana');
    expect([box.active, box.state]).toEqual(['ana', 'open']);
  });

  it('minimizes only an open box, and closes a minimized or open one once', () => {
    const { box } = setup();
    expect(box.minimize()).toBe(undefined);
    box.open('ana');
    expect(box.minimize()).toBe('ana');
    expect(box.minimize()).toBe(undefined);
    expect(box.state).toBe('minimized');
    expect(box.close()).toBe('ana');
    expect(box.close()).toBe(undefined);
    expect(box.state).toBe('closed');
    expect(box.open()).toBe('ana');
    expect(box.state).toBe('open');
  });

  it('re-opens a minimized box when that patient writes, but not when another patient or a colleague does', () => {
    const { box, write, opened } = setup();
    box.open('ana');
    box.minimize();
    opened.length = 0;
    write('ben');
    write('ana', { id: 'dr-kim', name: 'Dr Kim', role: 'provider' });
    expect(box.state).toBe('minimized');
    write('ana');
    expect(box.state).toBe('open');
    expect(opened).toEqual(['ana']);
  });

  it('leaves a closed box closed whoever writes', () => {
    const { box, write, opened } = setup();
    box.open('ana');
    box.close();
    opened.length = 0;
    write('ana');
    expect(box.state).toBe('closed');
    expect(opened).toEqual([]);
  });

  it('closes the box of a dismissed patient and leaves another patient\'s box alone', () => {
    const { box } = setup();
    box.open('ana');
    box.dismissed('ben');
    expect([box.active, box.state]).toEqual(['ana', 'open']);
    box.dismissed('ana');
    expect([box.active, box.state]).toEqual([null, 'closed']);
  });

  it('in view retention erases a thread when its box closes or another patient comes into view', () => {
    const { box, erased } = setup('provider', 'view');
    box.open('ana');
    box.open('ben');
    expect(erased).toEqual(['ana']);
    box.minimize();
    expect(erased).toEqual(['ana']);
    box.close();
    expect(erased).toEqual(['ana', 'ben']);
  });
});

describe('Box: unread counts and read receipts', () => {
  it('counts a message unread unless its thread is in view, with the total in the event', () => {
    const { box, write, unreadOf, unread } = setup();
    box.open('ana');
    write('ana');
    write('ben');
    write('ben');
    expect([unreadOf('ana'), unreadOf('ben')]).toEqual([0, 2]);
    expect(unread.at(-1)).toEqual({ thread: 'ben', unread: 2, total: 2 });
  });

  it('never counts a colleague\'s message', () => {
    const { write, unreadOf } = setup();
    write('ana', { id: 'dr-kim', name: 'Dr Kim', role: 'provider' });
    expect(unreadOf('ana')).toBe(0);
  });

  it('counts messages in a minimized box only until it re-opens for them, and in a closed box always', () => {
    const { box, write, unreadOf } = setup();
    box.open('ana');
    box.minimize();
    write('ana');
    expect(unreadOf('ana')).toBe(0);
    box.close();
    write('ana');
    write('ana');
    expect(unreadOf('ana')).toBe(2);
  });

  it('counts messages while the page is hidden, and reads them when it shows', () => {
    const { box, write, unreadOf, reads } = setup();
    box.open('ana');
    box.setVisible(false);
    const m = write('ana');
    expect(unreadOf('ana')).toBe(1);
    expect(reads()).toEqual([]);
    box.setVisible(true);
    expect(unreadOf('ana')).toBe(0);
    expect(reads()).toEqual([m.id]);
  });

  it('clears a badge on open and sends each read receipt once', () => {
    const { box, write, unreadOf, reads, unread } = setup();
    const a = write('ana');
    const b = write('ana');
    box.open('ana');
    expect(unreadOf('ana')).toBe(0);
    expect(unread.at(-1)).toEqual({ thread: 'ana', unread: 0, total: 0 });
    box.close();
    box.open('ana');
    expect(reads()).toEqual([a.id, b.id]);
  });

  it('sends no receipt for history already read elsewhere', () => {
    const { box, threads, reads } = setup();
    const old: ChatMessage = { id: 'old', thread: 'ana', from: patient('ana'), text: 'x', at: 1, clock: 1, mine: false, attachments: [] };
    threads.insert('ana', old);
    box.alreadyRead('old');
    box.open('ana');
    expect(reads()).toEqual([]);
  });
});

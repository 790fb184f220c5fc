import { describe, expect, it } from 'vitest';
import { LIMITS, ProtocolError, type OutgoingFrame, type Peer } from '../../protocol/index.js';
import { OrderingClock } from './clock.js';
import { peerDelivery } from './delivery.js';
import { Outbox } from './outbox.js';
import { Sender } from './sending.js';
import { ThreadStore } from './threads.js';
import { Typing } from './typing.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 40_000 }, (_, i) => i % 251)]);

function setup(role: Peer['role'] = 'patient', repliesWhileAway = false) {
  const me: Peer = role === 'patient' ? { id: 'ana', name: 'Ana', role } : { id: 'dr-lee', name: 'Dr Lee', role };
  const threads = new ThreadStore((a, b) => a.clock - b.clock);
  threads.ensure({ id: 'ana', name: 'Ana', role: 'patient' }, undefined, true);
  const sent: OutgoingFrame[] = [];
  const errors: string[] = [];
  const clock = new OrderingClock();
  const outbox = new Outbox({ store: threads, delivery: peerDelivery, clock, send: (f) => sent.push(f) > 0, counterpartPresent: () => true, retryMs: 1000, maxRetryMs: 1000 });
  const limit = { bytes: 100_000 };
  const sender = new Sender({
    me,
    threads,
    clock,
    outbox,
    typing: new Typing(threads),
    maxFileBytes: () => limit.bytes,
    fail: (code, message) => (errors.push(code), new ProtocolError(code, message)),
    repliesWhileAway,
  });
  const refusal = (p: Promise<unknown>) => p.then(() => null, (e: ProtocolError) => e.code);
  return { sender, threads, sent, errors, limit, refusal };
}

describe('Sender', () => {
  it('puts the message in its thread and hands it with its chunks to the outbox', async () => {
    const { sender, threads, sent } = setup();
    const message = await sender.send('ana', ' my scan ', [new Blob([PNG])]);
    expect(message).toMatchObject({ text: 'my scan', mine: true, status: 'sent' });
    expect(threads.get('ana')!.messages.map((m) => m.id)).toEqual([message.id]);
    const chunks = sent.filter((f) => f.type === 'chunk');
    expect([sent[0].type, chunks.length]).toEqual(['message', Math.ceil(PNG.length / LIMITS.chunkBytes)]);
  });

  it('refuses with a reason, and changes nothing, when there is no chat, it has ended, or the text is empty or too long', async () => {
    const { sender, threads, sent, errors, refusal } = setup();
    expect(await refusal(sender.send(null, 'hi', []))).toBe('not-allowed');
    expect(await refusal(sender.send('ana', '   ', []))).toBe('invalid');
    expect(await refusal(sender.send('ana', 'x'.repeat(LIMITS.textChars + 1), []))).toBe('too-large');
    threads.update('ana', { ended: true });
    expect(await refusal(sender.send('ana', 'hi', []))).toBe('chat-ended');
    expect(errors).toEqual(['not-allowed', 'invalid', 'too-large', 'chat-ended']);
    expect([threads.get('ana')!.messages.length, sent.length]).toEqual([0, 0]);
  });

  it('refuses the care team a send to a patient who left', async () => {
    const { sender, threads, refusal } = setup('provider');
    threads.update('ana', { present: false });
    expect(await refusal(sender.send('ana', 'hello?', []))).toBe('chat-ended');
  });

  it('in the shared inbox sends to a patient who is not here (the hub stores it for their return), but not into an ended chat', async () => {
    const { sender, threads, sent, refusal } = setup('provider', true);
    threads.update('ana', { present: false });
    expect(await sender.send('ana', 'Your results are in.', [])).toMatchObject({ text: 'Your results are in.', mine: true });
    expect(sent.filter((f) => f.type === 'message')).toHaveLength(1);
    threads.update('ana', { ended: true });
    expect(await refusal(sender.send('ana', 'hello?', []))).toBe('chat-ended');
  });

  it('checks files against the limit in force now', async () => {
    const { sender, limit } = setup();
    expect(await sender.check(new Blob([PNG]))).toBe(null);
    limit.bytes = 1024;
    expect((await sender.check(new Blob([PNG])))?.code).toBe('too-large');
    expect((await sender.check(new Blob(['not an image'])))?.code).toBe('unsupported-type');
  });
});

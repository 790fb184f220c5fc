import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThreadStore } from './threads.js';
import { TYPING_SEND_EVERY_MS, Typing } from './typing.js';

function setup() {
  const threads = new ThreadStore((a, b) => a.clock - b.clock);
  threads.ensure({ id: 'ana', name: 'Ana', role: 'patient' }, undefined, true);
  return { threads, typing: new Typing(threads), line: () => threads.get('ana')!.typing };
}

describe('Typing', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('writes who is typing into the thread, and takes a name off when they stop or send', () => {
    const { typing, line } = setup();
    expect(typing.set('ana', 'ana', 'Ana', true)).toBe(true);
    expect(typing.set('ana', 'dr-kim', 'Dr Kim', true)).toBe(true);
    expect(line()).toEqual(['Ana', 'Dr Kim']);
    expect(typing.set('ana', 'dr-kim', 'Dr Kim', false)).toBe(true);
    expect(typing.clear('ana', 'ana')).toBe(true);
    expect(line()).toEqual([]);
    expect(typing.clear('ana', 'ana')).toBe(false);
  });

  it('drops a line that was not renewed, and keeps one that was', () => {
    const { typing, line } = setup();
    typing.set('ana', 'ana', 'Ana', true);
    vi.advanceTimersByTime(5000);
    expect(typing.expire()).toBe(false);
    typing.set('ana', 'ana', 'Ana', true);
    vi.advanceTimersByTime(5000);
    expect(typing.expire()).toBe(false);
    expect(line()).toEqual(['Ana']);
    vi.advanceTimersByTime(1001);
    expect(typing.expire()).toBe(true);
    expect(line()).toEqual([]);
  });

  it('signals this page\'s typing at most once per period, "stopped" always, and again at once after a send', () => {
    const { typing } = setup();
    expect(typing.shouldSignal(true)).toBe(true);
    expect(typing.shouldSignal(true)).toBe(false);
    vi.advanceTimersByTime(TYPING_SEND_EVERY_MS);
    expect(typing.shouldSignal(true)).toBe(true);
    expect(typing.shouldSignal(false)).toBe(true);
    expect(typing.shouldSignal(true)).toBe(true);
    typing.sent();
    expect(typing.shouldSignal(true)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { MessageWindow } from './message-window.js';

describe('MessageWindow', () => {
  it('renders the newest page of a long thread, and all of a short one', () => {
    const w = new MessageWindow(10);
    w.observe(4, true);
    expect(w.start(4)).toBe(0);
    w.observe(25, true);
    expect(w.start(25)).toBe(15);
    expect(w.earlier).toBe(15);
  });

  it('slides while pinned to the bottom: the window stays one page', () => {
    const w = new MessageWindow(10);
    w.observe(25, true);
    w.observe(26, true);
    expect(w.start(26)).toBe(16);
  });

  it('grows at the bottom while scrolled up: the first rendered row stays', () => {
    const w = new MessageWindow(10);
    w.observe(25, true);
    w.observe(28, false);
    expect(w.start(28)).toBe(15);
  });

  it('shows a page earlier at a time, and says how many it revealed', () => {
    const w = new MessageWindow(10);
    w.observe(25, false);
    expect(w.showEarlier()).toBe(10);
    expect(w.start(25)).toBe(5);
    expect(w.showEarlier()).toBe(5);
    expect(w.start(25)).toBe(0);
    expect(w.showEarlier()).toBe(0);
  });

  it('trims back to one page when the reader returns to the bottom, and says whether rows left', () => {
    const w = new MessageWindow(10);
    w.observe(25, false);
    w.showEarlier();
    expect(w.trim()).toBe(true);
    expect(w.start(25)).toBe(15);
    expect(w.trim()).toBe(false);
  });

  it('a shrinking thread (a message withdrawn, a thread erased) keeps the window at its size', () => {
    const w = new MessageWindow(10);
    w.observe(25, false);
    w.observe(0, false);
    expect(w.start(0)).toBe(0);
    w.observe(30, false);
    expect(w.start(30)).toBe(20);
  });

  it('reset starts another thread at one page', () => {
    const w = new MessageWindow(10);
    w.observe(40, false);
    w.showEarlier();
    w.reset();
    w.observe(40, false);
    expect(w.start(40)).toBe(30);
  });
});

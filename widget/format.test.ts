import { describe, expect, it } from 'vitest';
import { displayName, formatBytes } from './format.js';

describe('displayName', () => {
  it('drops a right-to-left override, so a file name cannot pose as another type', () => {
    const shown = displayName('invoice\u202Egnp.exe');
    expect(shown).toBe('invoicegnp.exe');
    expect(shown.endsWith('.exe')).toBe(true);
  });

  it('drops every embedding, override, isolate and directional mark', () => {
    const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
    for (const c of controls) expect(displayName(`Ana${c} Silva${c}`)).toBe('Ana Silva');
  });

  it('keeps right-to-left names and other text as they are', () => {
    for (const name of ['سارة أحمد', 'דנה לוי', 'Zoë O\u2019Brien', 'report 2024.pdf', '']) expect(displayName(name)).toBe(name);
  });
});

describe('formatBytes', () => {
  it('reads as bytes, kilobytes or megabytes', () => {
    expect([formatBytes(900), formatBytes(12 * 1024), formatBytes(4.2 * 1024 * 1024), formatBytes(5 * 1024 * 1024)]).toEqual(['900 B', '12 KB', '4.2 MB', '5 MB']);
  });
});

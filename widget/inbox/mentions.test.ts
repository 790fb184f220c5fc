import { describe, expect, it } from 'vitest';
import { insertMention, mentionQueryAt, mentionsIn, suggestions, type Mentionable } from './mentions.js';

const people: Mentionable[] = [
  { kind: 'staff', id: 's1', name: 'Dr Kim' },
  { kind: 'staff', id: 's2', name: 'Nurse José Ruiz' },
  { kind: 'list', id: 'l1', name: 'Nurses' },
  { kind: 'staff', id: 's3', name: 'Dr Lee' },
];

describe('mentions in a note', () => {
  it('finds the @word ending at the caret, only at the start or after a space', () => {
    expect(mentionQueryAt('ask @ki', 7)).toEqual({ start: 4, query: 'ki' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQueryAt('mail me@clinic', 14)).toBeUndefined();
    expect(mentionQueryAt('ask @kim now', 12)).toBeUndefined();
    expect(mentionQueryAt('ask @kim now', 8)).toEqual({ start: 4, query: 'kim' });
  });

  it('suggests by any word of the name, accents and case aside, people before lists', () => {
    expect(suggestions(people, 'jo').map((m) => m.id)).toEqual(['s2']);
    expect(suggestions(people, 'nur').map((m) => m.id)).toEqual(['s2', 'l1']);
    expect(suggestions(people, 'dr').map((m) => m.id)).toEqual(['s1', 's3']);
    expect(suggestions(people, '').map((m) => m.id)).toEqual(['s1', 's3', 's2', 'l1']);
    expect(suggestions(people, 'zz')).toEqual([]);
  });

  it('inserts the chosen name with a space and puts the caret after it', () => {
    const text = 'please @ki check';
    const at = mentionQueryAt(text, 10)!;
    expect(insertMention(text, at, 10, people[0])).toEqual({ text: 'please @Dr Kim  check', caret: 15 });
  });

  it('keeps only the picked mentions the finished note still names, once each', () => {
    const picked = [people[0], people[2], people[0], people[3]];
    expect(mentionsIn('@Dr Kim and @Nurses: see dose', picked)).toEqual([
      { kind: 'staff', id: 's1' },
      { kind: 'list', id: 'l1' },
    ]);
  });
});

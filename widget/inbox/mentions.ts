// @mentions in an internal note, as text: finding the "@ki" being typed at the caret, the
// staff members and lists it may mean, inserting the chosen name, and which of the chosen
// names the finished note still contains. No DOM; the composer's mention controller uses it.
import type { MentionTarget } from '../../protocol/inbox.js';

/** Someone a note can mention: a staff member or a list (team). */
export interface Mentionable extends MentionTarget {
  name: string;
}

/** The mention being typed: `@` at `start`, then `query` up to the caret. */
export interface MentionQuery {
  start: number;
  query: string;
}

/** Most suggestions shown at once. */
export const MAX_SUGGESTIONS = 6;

/** The `@word` that ends at the caret, if any: the `@` starts the text or follows a space. */
export function mentionQueryAt(text: string, caret: number): MentionQuery | undefined {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@]{0,40})$/u.exec(before);
  if (!match) return undefined;
  return { start: caret - match[2].length - 1, query: match[2] };
}

/** Who `query` may mean: a word of the name starts with it (case and accents aside); people before lists. */
export function suggestions(all: readonly Mentionable[], query: string, limit = MAX_SUGGESTIONS): Mentionable[] {
  const q = fold(query);
  return all
    .filter((m) => q === '' || fold(m.name).split(/\s+/).some((word) => word.startsWith(q)) || fold(m.name).startsWith(q))
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'staff' ? -1 : 1))
    .slice(0, limit);
}

/** The text with the `@query` at `at` replaced by `@Name `, and where the caret goes. */
export function insertMention(text: string, at: MentionQuery, caret: number, who: Mentionable): { text: string; caret: number } {
  const inserted = `@${who.name} `;
  return { text: text.slice(0, at.start) + inserted + text.slice(caret), caret: at.start + inserted.length };
}

/** Of the people and lists picked while writing, those whose `@Name` the note still contains. */
export function mentionsIn(text: string, picked: readonly Mentionable[]): MentionTarget[] {
  const seen = new Set<string>();
  const out: MentionTarget[] = [];
  for (const m of picked) {
    const key = `${m.kind}:${m.id}`;
    if (seen.has(key) || !text.includes(`@${m.name}`)) continue;
    seen.add(key);
    out.push({ kind: m.kind, id: m.id });
  }
  return out;
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

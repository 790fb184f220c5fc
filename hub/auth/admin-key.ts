// The hub-wide admin API key: compared in constant time, so response timing says nothing
// about how much of a guess was right (hashing first also hides the key's length).
import { createHash, timingSafeEqual } from 'node:crypto';

export function adminKeyMatches(expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

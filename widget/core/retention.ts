// Retention: when a thread's content leaves memory. `session` keeps everything until the page
// goes; `view` erases a thread as soon as it leaves the screen (messages still in the outbox
// finish their delivery but are not shown again).
import type { Retention } from './types.js';

export interface RetentionPolicy {
  readonly mode: Retention;
  /** The thread left the screen: its box closed, or another patient's chat is in view. */
  leftView(threadId: string): void;
  /** A new visit (call) began for this thread. */
  newVisit(threadId: string): void;
  /** The care team dismissed this patient from the queue. */
  dismissed(threadId: string): void;
}

export function retentionPolicy(mode: Retention, erase: (threadId: string) => void): RetentionPolicy {
  const forget = mode === 'view' ? erase : () => undefined;
  return Object.freeze({ mode, leftView: forget, newVisit: forget, dismissed: forget });
}

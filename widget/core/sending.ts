// Sending a message: every check that can refuse it (before anything changes), its files
// read and split into chunks, and its hand-over to the thread and the outbox.
import { nanoid } from 'nanoid';
import { LIMITS, ProtocolError, type AttachmentMeta, type ErrorCode, type MessageFrame, type Peer } from '../../protocol/index.js';
import { packAttachments, readAttachment } from './attachments.js';
import type { OrderingClock } from './clock.js';
import type { Outbox } from './outbox.js';
import type { ThreadStore } from './threads.js';
import type { Typing } from './typing.js';
import type { ChatMessage } from './types.js';

export interface SenderOptions {
  me: Peer;
  threads: ThreadStore;
  clock: OrderingClock;
  outbox: Outbox;
  typing: Typing;
  /** The per-attachment limit now (the host may change it during a session). */
  maxFileBytes: () => number;
  fail: (code: ErrorCode, message: string) => ProtocolError;
  /** The shared inbox: a reply to a patient who is not here is stored and read when they come back. */
  repliesWhileAway?: boolean;
}

export class Sender {
  constructor(private readonly o: SenderOptions) {}

  /** Sends on a thread; rejects with a ProtocolError (and changes nothing) when refused. */
  async send(threadId: string | null, text: string, files: readonly Blob[]): Promise<ChatMessage> {
    const { me, threads, clock, fail } = this.o;
    const thread = threadId ? threads.get(threadId) : undefined;
    const trimmed = text.trim();
    if (!thread) throw fail('not-allowed', 'no chat is open');
    if (thread.ended) throw fail('chat-ended', 'this chat has ended');
    if (me.role === 'provider' && !thread.present && !this.o.repliesWhileAway) throw fail('chat-ended', `${thread.patient.name} has left`);
    if (trimmed.length > LIMITS.textChars) throw fail('too-large', `messages are limited to ${LIMITS.textChars} characters`);
    if (!trimmed && files.length === 0) throw fail('invalid', 'nothing to send');
    if (files.length > LIMITS.attachmentsPerMessage) throw fail('too-large', `at most ${LIMITS.attachmentsPerMessage} attachments per message`);
    const id = nanoid();
    const { metas, views, chunks } = await packAttachments(files, (file) => this.read(file), { from: me.id, thread: thread.id, message: id });
    // The thread may have ended while the files were read.
    if (threads.get(thread.id)?.ended) throw fail('chat-ended', 'this chat has ended');
    const frame: Omit<MessageFrame, 'v'> = {
      ...{ type: 'message', id, thread: thread.id, from: me, text: trimmed, at: Date.now(), clock: clock.next() },
      ...(metas.length ? { attachments: metas } : {}),
    };
    threads.insert(thread.id, { ...frame, mine: true, attachments: views, status: 'sending' });
    this.o.typing.sent();
    this.o.outbox.add(frame, chunks);
    return threads.find(thread.id, id)!;
  }

  /** Checks a file before it is attached; resolves to the error the send would give, or null. */
  async check(file: Blob): Promise<ProtocolError | null> {
    try {
      await this.read(file, false);
      return null;
    } catch (error) {
      return error as ProtocolError;
    }
  }

  private async read(file: Blob, full = true): Promise<{ meta: AttachmentMeta; bytes: Uint8Array }> {
    try {
      return await readAttachment(file, this.o.maxFileBytes(), full);
    } catch (error) {
      if (error instanceof ProtocolError) throw this.o.fail(error.code, error.message);
      throw error;
    }
  }
}

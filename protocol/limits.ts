// Limits shared by widget and hub: the one place where "too large" is defined.

export const PROTOCOL_VERSION = 1 as const;

export const LIMITS = {
  /** Largest encoded frame, in UTF-16 code units of its JSON text. */
  frameChars: 128 * 1024,
  /** Longest message text. */
  textChars: 4000,
  nameChars: 120,
  idChars: 64,
  /** Raw bytes carried by one attachment chunk (base64 makes it about 4/3 larger). */
  chunkBytes: 16 * 1024,
  /** Hard ceiling for one attachment; a host may set a lower limit. */
  attachmentBytes: 10 * 1024 * 1024,
  attachmentsPerMessage: 5,
  /** Ids in one delivered/read receipt. */
  receiptIds: 200,
  tokenChars: 8192,
  resumeThreads: 1000,
} as const;

/** Attachment types the widget accepts; checked against the file's leading bytes, not its name. */
export const ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

// What the staff routes share: the caller, if their role grants the permissions (403 otherwise,
// and for patients), and the conversation the path's `:id` names in the caller's org (404 for
// an unknown id and for another org's alike).
import type { Context } from 'hono';
import type { Permission } from '../../protocol/permissions.js';
import type { Identity } from '../auth/identity.js';
import { requirePermission } from '../auth/permissions.js';
import type { HubDatabase } from '../db/database.js';
import type { Conversation } from '../db/tables.js';
import { visibleConversation } from '../domain/access.js';
import type { UserEnv } from './auth.js';
import { httpError } from './errors.js';

export function staffWith(c: Context<UserEnv>, ...permissions: Permission[]): Identity {
  const identity = c.get('identity');
  for (const permission of permissions) requirePermission(identity, permission);
  return identity;
}

export async function conversationOf(db: HubDatabase, c: Context<UserEnv>, identity: Identity): Promise<Conversation> {
  const conversation = await visibleConversation(db, identity, c.req.param('id') ?? '');
  if (!conversation) throw httpError(404, 'not-found', 'no such conversation');
  return conversation;
}

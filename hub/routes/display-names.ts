// The name patients see for a staff member (mounted at /v1/inbox, before the inbox's own
// routes): their own default for every conversation, and one per conversation, each set by the
// staff member themself. It applies to messages written after the change; what was sent keeps
// the name it was sent with. Audited, never with the name itself.
import { Hono } from 'hono';
import { DisplayNameBody, type DisplayNameResponse } from '../../protocol/inbox.js';
import type { Identity } from '../auth/identity.js';
import type { HubContext } from '../context.js';
import { audit } from '../db/repositories/audit.js';
import { displayNamesOf, setConversationDisplayName, setOwnDisplayName } from '../db/repositories/display-names.js';
import type { UserEnv } from '../http/auth.js';
import { conversationOf, staffWith } from '../http/staff.js';
import { parseBody } from '../http/validate.js';

export function displayNamesApp(ctx: HubContext) {
  const answer = async (identity: Identity, conversationId: string): Promise<DisplayNameResponse> => {
    const names = await displayNamesOf(ctx.db, identity.orgId, conversationId, identity.id);
    return { ...names, name: names.conversation ?? names.own ?? identity.name };
  };

  return new Hono<UserEnv>()
    .put('/me/display-name', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const { name } = await parseBody(c, DisplayNameBody);
      await setOwnDisplayName(ctx.db, identity.orgId, identity.id, name);
      await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'staff.display-name', subject: { type: 'staff', id: identity.id }, detail: { set: name !== null } });
      return c.json({ own: name, name: name ?? identity.name });
    })
    .get('/:id/display-name', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const conversation = await conversationOf(ctx.db, c, identity);
      return c.json(await answer(identity, conversation.id));
    })
    .put('/:id/display-name', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const conversation = await conversationOf(ctx.db, c, identity);
      const { name } = await parseBody(c, DisplayNameBody);
      await setConversationDisplayName(ctx.db, conversation.id, identity.id, name);
      await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'conversation.display-name', subject: { type: 'conversation', id: conversation.id }, detail: { set: name !== null } });
      return c.json(await answer(identity, conversation.id));
    });
}

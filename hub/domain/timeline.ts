// Recording a timeline event: stored, then sent live to the org's care team. The hub's own
// actions (REST and socket) and the vendor's route all come through here.
import type { TimelineEvent } from '../../protocol/timeline.js';
import type { HubDatabase } from '../db/database.js';
import { addEvent, type EventInput } from '../db/repositories/events.js';
import type { InboxLive } from '../realtime/inbox-live.js';

export class Timeline {
  constructor(
    private readonly db: HubDatabase,
    private readonly live: Pick<InboxLive, 'event'>,
  ) {}

  async record(input: EventInput): Promise<{ event: TimelineEvent; duplicate: boolean }> {
    const stored = await addEvent(this.db, input);
    if (!stored.duplicate) this.live.event(input.orgId, stored.event);
    return stored;
  }
}

type Who = NonNullable<TimelineEvent['by']>;

/** A staff member as the timeline names them. */
export function staffWho(identity: { id: string; name: string }): Who {
  return { kind: 'staff', id: identity.id, name: identity.name };
}

/** An assignee (a staff member or a team) with the name the timeline shows; undefined for nobody. */
export async function assigneeWho(db: HubDatabase, orgId: string, assignee: { kind: 'staff' | 'list'; id: string } | null): Promise<Who | null> {
  if (!assignee) return null;
  const row =
    assignee.kind === 'staff'
      ? await db.selectFrom('staff').select('name').where('org_id', '=', orgId).where('id', '=', assignee.id).executeTakeFirst()
      : await db.selectFrom('lists').select('name').where('org_id', '=', orgId).where('id', '=', assignee.id).executeTakeFirst();
  return { kind: assignee.kind, id: assignee.id, name: row?.name ?? '' };
}

/** Assigning a conversation someone else held to another person is a hand-off. */
export function assignKind(from: Who | null, to: Who | null): 'assigned' | 'hand-off' {
  return from?.kind === 'staff' && to?.kind === 'staff' && from.id !== to.id ? 'hand-off' : 'assigned';
}

// Staff sockets follow their org's roles while they stay open: every so often each one's
// permissions are read again (from the roles cache, so at most one query per org per
// ROLE_CACHE_MS). A socket whose role no longer grants `chats.read`, or no longer exists, is
// closed as forbidden; the others act on what their role grants now.
import { rolesOfOrg } from '../auth/permissions.js';
import type { HubContext } from '../context.js';
import { CLOSE, type Session } from './session.js';

export class RoleSweep {
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly ctx: HubContext,
    private readonly sessions: () => Iterable<Session>,
    everyMs: number,
  ) {
    this.timer = setInterval(() => void this.sweep(), everyMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    const byOrg = new Map<string, Session[]>();
    for (const session of this.sessions()) {
      const identity = session.identity;
      if (identity?.kind !== 'staff' || session.closed) continue;
      const list = byOrg.get(identity.orgId) ?? [];
      list.push(session);
      byOrg.set(identity.orgId, list);
    }
    for (const [orgId, sessions] of byOrg) {
      let roles;
      try {
        roles = await rolesOfOrg(this.ctx, orgId);
      } catch {
        continue; // The database is away: judge no one on it; the next sweep tries again.
      }
      for (const session of sessions) {
        const identity = session.identity;
        if (!identity || session.closed) continue;
        const permissions = roles.get(identity.role);
        if (!permissions?.includes('chats.read')) {
          session.send({ type: 'error', code: 'forbidden', message: 'your role no longer grants chats.read' });
          session.close(CLOSE.forbidden, 'your role no longer grants chats.read');
        } else if (permissions !== identity.permissions) {
          session.identity = { ...identity, permissions };
        }
      }
    }
  }
}

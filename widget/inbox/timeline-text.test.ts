import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../protocol/timeline.js';
import { eventWords } from './timeline-text.js';

const base = { id: 'evt_1', conversation: 'cnv_1', at: 1, by: { kind: 'staff' as const, id: 'stf_lee', name: 'Dr Lee' } };
const event = (e: Partial<TimelineEvent> & Pick<TimelineEvent, 'kind'>): TimelineEvent => ({ ...base, ...e });

describe('eventWords', () => {
  it('names who did it, and says "You" to the reader', () => {
    expect(eventWords(event({ kind: 'claimed' })).text).toBe('Dr Lee claimed this');
    expect(eventWords(event({ kind: 'claimed' }), 'stf_lee').text).toBe('You claimed this');
    expect(eventWords(event({ kind: 'closed', by: null })).text).toBe('The system closed this');
  });

  it('says to whom a conversation went, and a hand-off from whom', () => {
    const kim = { kind: 'staff' as const, id: 'stf_kim', name: 'Nurse Kim' };
    expect(eventWords(event({ kind: 'assigned', to: { kind: 'list', id: 'lst_1', name: 'Front desk' } })).text).toBe('Dr Lee assigned this to Front desk');
    expect(eventWords(event({ kind: 'assigned', to: null })).text).toBe('Dr Lee unassigned this');
    expect(eventWords(event({ kind: 'hand-off', from: base.by, to: kim }), 'stf_kim').text).toBe('Dr Lee handed this off from Dr Lee to you');
  });

  it('tells a patient re-opening by writing from staff re-opening', () => {
    expect(eventWords(event({ kind: 'reopened', by: { kind: 'patient', name: 'Ana' } })).text).toBe('Ana wrote again: re-opened');
    expect(eventWords(event({ kind: 'reopened' })).text).toBe('Dr Lee re-opened this');
  });

  it('gives a call its outcome, duration and recording, and an email its subject, snippet and link', () => {
    expect(eventWords(event({ kind: 'call', by: { kind: 'vendor', name: 'Clinic' }, call: { outcome: 'Left a voicemail', durationSec: 95, recordingUrl: 'https://x.example/r' } }))).toEqual({
      text: 'Call · Left a voicemail',
      detail: '1 min 35 s',
      link: { href: 'https://x.example/r', label: 'Recording' },
    });
    expect(eventWords(event({ kind: 'call', call: { outcome: 'Answered', durationSec: 3720 } })).detail).toBe('1 h 2 min');
    expect(eventWords(event({ kind: 'email', email: { subject: 'Lab results', snippet: 'Dear Ana' } }))).toEqual({ text: 'Email · Lab results', detail: 'Dear Ana' });
  });

  it('has words for every kind', async () => {
    const { EVENT_KINDS } = await import('../../protocol/timeline.js');
    for (const kind of EVENT_KINDS) expect(eventWords(event({ kind })).text.length, kind).toBeGreaterThan(0);
  });
});

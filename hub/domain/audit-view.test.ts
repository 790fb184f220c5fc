// The audit's CSV: RFC 4180 quoting, and no cell a spreadsheet would run as a formula.
import { describe, expect, it } from 'vitest';
import { auditCsv, csvField } from './audit-view.js';

describe('audit CSV', () => {
  it('quotes a field with a comma, quote or line break, doubling its quotes (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('')).toBe('');
  });

  it('prefixes a quote mark to a cell starting with = + - @ (or tab, CR) so it is text, not a formula', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('a=b')).toBe('a=b');
  });

  it('writes a header and one CRLF-ended row per entry, the time in ISO 8601 UTC', () => {
    const csv = auditCsv([
      { id: 2, at: Date.UTC(2026, 11, 4, 9, 30), actor: { kind: 'staff', id: 'stf_1', name: '=cmd|x' }, action: 'list.create', subject: { type: 'list', id: 'lst_1' }, detail: { staff: 'stf_2', on: true } },
      { id: 1, at: 0, actor: { kind: 'system', id: 'retention' }, action: 'retention.purge', subject: { type: 'org', id: 'org_1' }, detail: null },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'id,time,actor_kind,actor_id,actor_name,action,subject_type,subject_id,detail',
      `2,2026-12-04T09:30:00.000Z,staff,stf_1,'=cmd|x,list.create,list,lst_1,"{""staff"":""stf_2"",""on"":true}"`,
      '1,1970-01-01T00:00:00.000Z,system,retention,,retention.purge,org,org_1,',
      '',
    ]);
  });
});

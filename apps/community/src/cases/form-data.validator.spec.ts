import { FORM_DATA_MAX_DEPTH, formDataProblem } from './form-data.validator';

const nested = (depth: number): unknown => (depth === 1 ? { leaf: 'x' } : { child: nested(depth - 1) });

describe('formDataProblem', () => {
  it.each<[string, unknown, RegExp | null]>([
    ['a flat form', { household: 3, reason: '低保申请' }, null],
    ['lists of members', { members: [{ name: '王大明', relation: '父亲' }] }, null],
    ['the deepest allowed form', nested(FORM_DATA_MAX_DEPTH), null],
    ['one level too deep', nested(FORM_DATA_MAX_DEPTH + 1), /deeper than 8 levels/],
    ['an array', [1, 2], /must be a JSON object/],
    ['a string', 'x', /must be a JSON object/],
    ['null', null, /must be a JSON object/],
    ['a NUL in a value', { a: 'x\u0000y' }, /NUL/],
    ['a NUL in a key', { ['a\u0000']: 1 }, /NUL/],
    ['more than 64 KiB', { blob: 'x'.repeat(64 * 1024) }, /at most 64 KiB/],
    ['a NUL deep in a list', { members: [{ name: 'ok' }, { name: 'x\u0000' }] }, /NUL/],
    ['the text \\u0000 (a backslash, not a NUL)', { path: 'C:\\u0000' }, null],
    ['1e400 (Infinity once parsed)', JSON.parse('{"area": 1e400}'), /formData\.area is a number too large/],
    [
      'an integer beyond 2^53',
      JSON.parse('{"members": [{"account": 12345678901234567890}]}'),
      /formData\.members\[0\]\.account is an integer beyond 2\^53/,
    ],
    ['the largest safe integer and a fraction', { a: Number.MAX_SAFE_INTEGER, b: 0.1 }, null],
  ])('%s', (_what, value, problem) => {
    const found = formDataProblem(value);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });

  it('survives a hostile nesting far beyond the stack', () => {
    let deep: unknown = {};
    for (let i = 0; i < 200_000; i++) deep = { d: deep };
    expect(formDataProblem(deep)).toMatch(/deeper than/);
  });
});

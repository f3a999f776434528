import { storableText } from './replica.repository';

describe('storableText', () => {
  it('writes NUL and the other control characters as \\u escapes, keeping tabs, newlines and the rest', () => {
    expect(storableText('sender 1502\u0000 is not a node', 100)).toBe('sender 1502\\u0000 is not a node');
    expect(storableText('a\u0001b\u001fc\u007fd', 100)).toBe('a\\u0001b\\u001fc\\u007fd');
    expect(storableText('line\tone\nline two\r', 100)).toBe('line\tone\nline two\r');
    expect(storableText('事项 150200-MZ-001 已停用', 100)).toBe('事项 150200-MZ-001 已停用');
  });

  it('cuts a long text to at most `max` characters, marking the cut', () => {
    const cut = storableText('x'.repeat(5000), 2000);
    expect(cut).toHaveLength(2000);
    expect(cut.endsWith('…')).toBe(true);
    expect(storableText('x'.repeat(2000), 2000)).toBe('x'.repeat(2000));
    // The escapes count towards the limit: the text stored is never longer than `max`.
    expect(storableText('\u0000'.repeat(1000), 2000)).toHaveLength(2000);
  });

  it('never cuts a surrogate pair in half (a jsonb header refuses a lone one)', () => {
    const cut = storableText(`${'x'.repeat(198)}😀tail`, 200);
    expect(cut).toBe(`${'x'.repeat(198)}…`);
    expect(storableText(`${'x'.repeat(197)}😀tail`, 200)).toBe(`${'x'.repeat(197)}😀…`);
  });
});

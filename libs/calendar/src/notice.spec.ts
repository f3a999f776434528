import { CalendarSpecError } from './calendar.errors';
import { differenceFromProvisional, parseNotice } from './notice';

const NOTICE = `
# a notice for the test
year 2027
notice 测试通知：2027年部分节假日安排
holiday 元旦 2027-01-01 2027-01-03
holiday 春节 2027-02-05 2027-02-12
workday 2027-02-14 春节
`;

const refused = (text: string): string[] => {
  try {
    parseNotice(text);
  } catch (e) {
    if (e instanceof CalendarSpecError) return [...e.issues];
    throw e;
  }
  throw new Error('accepted');
};

describe('parseNotice', () => {
  it('reads a notice into one year of the arrangement', () => {
    expect(parseNotice(NOTICE)).toEqual({
      year: 2027,
      notice: '测试通知：2027年部分节假日安排',
      holidays: [
        { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
        { name: '春节', from: '2027-02-05', to: '2027-02-12' },
      ],
      makeupWorkdays: [{ date: '2027-02-14', for: '春节' }],
    });
  });

  it.each([
    ['a holiday outside the notice year', `${NOTICE}holiday 元旦 2028-01-01`, 'not one of the covered years'],
    ['a make-up day on a weekday', `${NOTICE}workday 2027-02-15 春节`, 'must be a Saturday or Sunday'],
    ['overlapping holidays', `${NOTICE}holiday 除夕 2027-02-04 2027-02-05`, 'overlaps'],
    ['a make-up day listed twice', `${NOTICE}workday 2027-02-14 春节`, 'listed twice'],
    ['an unknown keyword', `${NOTICE}vacation 2027-03-01`, 'unknown keyword'],
    ['no year', 'notice x\nholiday 元旦 2027-01-01', 'names no year'],
    ['an impossible date', `${NOTICE}holiday 劳动节 2027-02-30`, 'valid date'],
  ])('refuses %s, naming it', (_what, text, message) => {
    expect(refused(text).join('\n')).toContain(message);
  });
});

describe('differenceFromProvisional', () => {
  it('lists the days the notice and the law alone disagree on', () => {
    const diff = differenceFromProvisional(parseNotice(NOTICE));
    // Provisional 2027 春节: 除夕 Fri 5 Feb to 初三 Mon 8 Feb, substitutes Tue 9 and Wed 10 for the
    // weekend; the notice adds Thu 11 and Fri 12 off and Sun 14 Feb worked. 元旦 1–3 Jan: 2–3 are a
    // weekend anyway, nothing changes there.
    const early = diff.filter((d) => d.date < '2027-03-01');
    expect(early.map((d) => [d.date, d.provisional.working, d.official.working])).toEqual([
      ['2027-02-11', true, false],
      ['2027-02-12', true, false],
      ['2027-02-14', false, true],
    ]);
    // This notice names no 清明节: the day the law gives off would be worked, and the diff says so.
    expect(diff.find((d) => d.date === '2027-04-05')).toEqual({
      date: '2027-04-05',
      provisional: { working: false, name: '清明节' },
      official: { working: true },
    });
  });
});

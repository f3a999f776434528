import { LOGGED_SQL_CHARS, queryFailure, sqlHead } from './typeorm-logger';

describe('query failure log lines', () => {
  const insert = `
    INSERT INTO case_applicant (case_no, name, id_number, phone)
    SELECT case_no, name, id_number, phone FROM t`;

  it('say which statement failed, on one line, with the error and its SQLSTATE', () => {
    const error = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    expect(queryFailure(error, insert)).toEqual({
      msg: 'query failed',
      err: 'terminating connection due to administrator command',
      code: '57P01',
      sql: 'INSERT INTO case_applicant (case_no, name, id_number, phone) SELECT case_no, name, id_number, phone FROM t',
    });
    expect(queryFailure('Connection terminated unexpectedly', 'ROLLBACK')).toEqual({
      msg: 'query failed',
      err: 'Connection terminated unexpectedly',
      sql: 'ROLLBACK',
    });
  });

  it('never carry the parameters, however the error quotes them', () => {
    const line = JSON.stringify(
      queryFailure(
        Object.assign(new Error('boom'), { parameters: ['王小明', '11010519491231002X'] }),
        insert,
      ),
    );
    expect(line).not.toContain('王小明');
    expect(line).not.toContain('11010519491231002X');
  });

  it('cut a long statement to its head', () => {
    const long = `SELECT ${Array.from({ length: 200 }, (_v, i) => `column_${i}`).join(', ')} FROM case_record`;
    const head = sqlHead(long);
    expect(head).toHaveLength(LOGGED_SQL_CHARS + 1);
    expect(head.endsWith('…')).toBe(true);
    expect(long.startsWith(head.slice(0, -1))).toBe(true);
    expect(sqlHead('SELECT 1')).toBe('SELECT 1');
  });
});

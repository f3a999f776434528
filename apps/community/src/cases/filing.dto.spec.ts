import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ApplicantDto } from './filing.dto';

const applicant = (name: unknown) =>
  plainToInstance(ApplicantDto, { name, idNumber: '11010519491231002X', phone: '13812345678' });

async function nameMessages(name: unknown): Promise<string[]> {
  const errors = await validate(applicant(name));
  return errors.flatMap((e) => (e.property === 'name' ? Object.values(e.constraints ?? {}) : []));
}

describe('ApplicantDto name', () => {
  it.each([
    ['spaces only', '   '],
    ['ideographic spaces only (全角空格)', '\u3000\u3000'],
    ['a tab and a line break only', '\t\r\n'],
    ['nothing', ''],
  ])('refuses a name of %s: empty once trimmed', async (_what, name) => {
    expect(await nameMessages(name)).toEqual(['name must not be empty or only spaces']);
  });

  it('keeps the name trimmed, as it is stored and masked', async () => {
    const dto = applicant('  王小明\u3000');
    expect(dto.name).toBe('王小明');
    expect(await validate(dto)).toEqual([]);
  });

  it.each([
    ['a NUL inside', '王\u0000明', 'name must not contain control characters'],
    ['over 50 characters', '王'.repeat(51), 'name must be shorter than or equal to 50 characters'],
    ['a number', 42, 'name must be a string'],
  ])('refuses %s', async (_what, name, message) => {
    expect(await nameMessages(name)).toContain(message);
  });

  it('counts the length after trimming', async () => {
    expect(await nameMessages(` ${'王'.repeat(50)} `)).toEqual([]);
  });
});

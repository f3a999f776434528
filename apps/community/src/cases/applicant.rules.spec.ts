import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { transformFileSync } from '@swc/core';
import { validateSync } from 'class-validator';

import {
  isMainlandMobile,
  isResidentIdNumber,
  maskIdNumber,
  maskMobile,
  maskName,
  normalizeMobile,
  normalizeResidentIdNumber,
  residentIdCheckChar,
  shanghaiDateNumber,
} from './applicant.rules';
import {
  IsMainlandMobile,
  IsResidentIdNumber,
  MAINLAND_MOBILE_MESSAGE,
  RESIDENT_ID_NUMBER_MESSAGE,
} from './applicant.validators';

/** Builds a full ID from its first 17 digits using the implementation's check char. */
const withCheck = (first17: string): string => first17 + residentIdCheckChar(first17);

/** Replaces the check character with a different valid-looking one. */
const wrongCheck = (id: string): string => {
  const correct = id[17];
  const replacement = correct === '0' ? '1' : '0';
  return id.slice(0, 17) + replacement;
};

describe('residentIdCheckChar', () => {
  // Expected values computed independently (ISO 7064 MOD 11-2, outside this code base).
  it.each([
    ['11010519491231002', 'X'], // GB 11643-1999 published example
    ['44052418800101001', '4'], // GB 11643-1999 published example
    ['31010419850615123', '7'],
    ['44030520000229456', '4'],
    ['51010719001231001', '5'],
    ['65010219000101000', '8'],
    ['81000019991231999', 'X'],
    ['32010219880808080', '8'],
  ])('%s → %s', (first17, expected) => {
    expect(residentIdCheckChar(first17)).toBe(expected);
  });

  it.each(['', '1101051949123100', '110105194912310020', '1101051949123100X', '11010519491231 02'])(
    'rejects malformed input %p',
    (input) => {
      expect(() => residentIdCheckChar(input)).toThrow(RangeError);
    },
  );
});

describe('isResidentIdNumber', () => {
  describe('valid', () => {
    it.each([
      ['published example (X check char)', '11010519491231002X'],
      ['independently computed', '310104198506151237'],
      ['leap day 2000-02-29', '440305200002294564'],
      ['lower bound 1900-01-01', '650102190001010008'],
      ['1900-12-31', '510107190012310015'],
      ['X check char, HK area code', '81000019991231999X'],
      ['epoch birthday', '440301197001010881'],
      ['constructed 1988-08-08', withCheck('32010219880808080')],
      ['constructed 1996-02-29', withCheck('33010619960229123')],
      ['constructed 2024-02-29', withCheck('12010120240229001')],
      ['constructed area code starting 7', withCheck('71000019800101123')],
      ['constructed month end 31', withCheck('21010219771031555')],
      // 外国人永久居留身份证 (2023): 9, province, nationality; check characters computed independently.
      ['permanent residence: Shanghai, USA (840)', '931840198506151237'],
      ['permanent residence: Beijing, Japan (392)', '911392199001010017'],
      ['permanent residence: Guangdong, Korea (410), leap day', '944410200002294562'],
      ['permanent residence: France (250), 2023-12-31', '931250202312317891'],
    ])('%s: %s', (_label, id) => {
      expect(isResidentIdNumber(id)).toBe(true);
    });

    it('accepts many constructed numbers whose check char comes from residentIdCheckChar', () => {
      const dates = ['19491001', '19591130', '19780430', '19841231', '20000101', '20080808', '20160229'];
      for (const area of ['110105', '230102', '370202', '420106', '530102', '610113', '820000']) {
        for (const date of dates) {
          for (const seq of ['001', '372', '999']) {
            expect(isResidentIdNumber(withCheck(area + date + seq))).toBe(true);
          }
        }
      }
    });
  });

  describe('invalid', () => {
    it.each([
      ['wrong check digit (published example)', '110105194912310021'],
      ['wrong check digit, X instead of 7', '31010419850615123X'],
      ['wrong check digit (constructed)', wrongCheck(withCheck('32010219880808080'))],
      ['published example, born 1880 (before 1900)', '440524188001010014'],
      ['1899-12-31', withCheck('11010518991231001')],
      ['1999-02-30', withCheck('11010119990230001')],
      ['1900-02-29 (1900 not a leap year)', withCheck('11010119000229001')],
      ['2100-02-29 / future', withCheck('11010121000229001')],
      ['2023-02-29', withCheck('11010120230229001')],
      ['1990-04-31', withCheck('11010119900431001')],
      ['month 00', withCheck('11010119900031001')],
      ['month 13', withCheck('11010119901301001')],
      ['day 00', withCheck('11010119900100001')],
      ['day 32', withCheck('11010119900132001')],
      ['far future date', withCheck('11010130000101001')],
      ['area code starting 0', withCheck('01010519491231002')],
      ['permanent residence, wrong check digit', '931840198506151238'],
      ['permanent residence, X instead of 7', '93184019850615123X'],
      ['permanent residence, 1999-02-30', withCheck('93184019990230001')],
      ['permanent residence, born 1899', withCheck('93184018991231001')],
      ['permanent residence, born in the future', withCheck('93184030000101001')],
      ['lowercase x check char', '11010519491231002x'],
      ['17 characters', '11010519491231002'],
      ['19 characters', '11010519491231002X0'],
      ['15-digit first-generation number', '110105491231002'],
      ['empty', ''],
      ['letters in body', '11010519491231A02X'],
      ['letter other than X as check char', '11010519491231002Y'],
      ['X in the middle', '1101051949123X002X'],
      ['leading whitespace (not normalized)', ' 11010519491231002X'],
      ['trailing whitespace (not normalized)', '11010519491231002X '],
      ['full-width digits', '１１０１０５１９４９１２３１００２X'],
      ['internal space', '110105 19491231002X'],
    ])('%s: %p', (_label, id) => {
      expect(isResidentIdNumber(id)).toBe(false);
    });

    it('rejects non-string input at runtime', () => {
      expect(isResidentIdNumber(11010519491231002 as unknown as string)).toBe(false);
      expect(isResidentIdNumber(null as unknown as string)).toBe(false);
      expect(isResidentIdNumber(undefined as unknown as string)).toBe(false);
    });
  });

  describe('birth date upper bound is today in Asia/Shanghai', () => {
    const bornJan2 = withCheck('11010120260102001');
    const bornJan3 = withCheck('11010120260103001');
    afterEach(() => {
      jest.useRealTimers();
    });

    it('at 2026-01-01T16:30:00Z (already Jan 2 in Shanghai) Jan 2 is valid and Jan 3 is not', () => {
      jest.useFakeTimers({ now: new Date('2026-01-01T16:30:00Z') });

      expect(shanghaiDateNumber()).toBe(20260102);
      expect(isResidentIdNumber(bornJan2)).toBe(true);
      expect(isResidentIdNumber(bornJan3)).toBe(false);
    });

    // Jest's sandboxed process.env does not change the TZ of the running process, so each
    // zone is exercised in a child Node process with TZ set and a frozen `new Date()`.
    it.each(['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Shanghai', 'Europe/London'])(
      'gives the same answer when the process TZ is %s',
      (tz) => {
        const { code } = transformFileSync(join(__dirname, 'applicant.rules.ts'), {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
          module: { type: 'commonjs' },
        });
        const script = `
          const RealDate = Date;
          globalThis.Date = class extends RealDate {
            constructor(...args) { args.length ? super(...args) : super('2026-01-01T16:30:00Z'); }
          };
          const module = { exports: {} };
          new Function('module', 'exports', 'require', ${JSON.stringify(code)})(module, module.exports, require);
          const m = module.exports;
          process.stdout.write(JSON.stringify({
            localDate: new Date().getDate(),
            today: m.shanghaiDateNumber(),
            jan2: m.isResidentIdNumber(${JSON.stringify(bornJan2)}),
            jan3: m.isResidentIdNumber(${JSON.stringify(bornJan3)}),
          }));
        `;
        const result = spawnSync(process.execPath, ['-e', script], {
          env: { ...process.env, TZ: tz },
          encoding: 'utf8',
        });
        expect(result.stderr).toBe('');
        const out = JSON.parse(result.stdout) as Record<string, unknown>;

        // Sanity check that the child really runs in the requested zone.
        const expectedLocalDate = { UTC: 1, 'America/Los_Angeles': 1, 'Europe/London': 1 }[tz] ?? 2;
        expect(out.localDate).toBe(expectedLocalDate);
        expect(out).toMatchObject({ today: 20260102, jan2: true, jan3: false });
      },
    );

    it('at 2026-01-01T15:59:59.999Z (still Jan 1 in Shanghai) Jan 2 is in the future', () => {
      jest.useFakeTimers({ now: new Date('2026-01-01T15:59:59.999Z') });
      expect(shanghaiDateNumber()).toBe(20260101);
      expect(isResidentIdNumber(withCheck('11010120260101001'))).toBe(true);
      expect(isResidentIdNumber(bornJan2)).toBe(false);
    });

    it('at 2026-01-02T15:59:59.999Z (Jan 2 23:59 in Shanghai) Jan 3 is still in the future', () => {
      jest.useFakeTimers({ now: new Date('2026-01-02T15:59:59.999Z') });
      expect(isResidentIdNumber(bornJan2)).toBe(true);
      expect(isResidentIdNumber(bornJan3)).toBe(false);
    });

    it('accepts an explicit `now` argument', () => {
      const now = new Date('2026-01-01T16:30:00Z');
      expect(isResidentIdNumber(bornJan2, now)).toBe(true);
      expect(isResidentIdNumber(bornJan3, now)).toBe(false);
      expect(isResidentIdNumber(bornJan2, new Date('2026-01-01T12:00:00Z'))).toBe(false);
    });

    it('a 2000-02-29 birthday is valid in 2000 only from that day on (Shanghai)', () => {
      const id = '440305200002294564';
      expect(isResidentIdNumber(id, new Date('2000-02-28T15:59:59Z'))).toBe(false);
      expect(isResidentIdNumber(id, new Date('2000-02-28T16:00:00Z'))).toBe(true);
    });
  });
});

describe('normalizeResidentIdNumber', () => {
  it.each([
    ['11010519491231002x', '11010519491231002X'],
    ['  11010519491231002x\t\n', '11010519491231002X'],
    ['11010519491231002X', '11010519491231002X'],
    ['310104198506151237 ', '310104198506151237'],
  ])('%p → %p', (input, expected) => {
    expect(normalizeResidentIdNumber(input)).toBe(expected);
  });

  it('makes a lowercase-x ID valid', () => {
    expect(isResidentIdNumber('11010519491231002x')).toBe(false);
    expect(isResidentIdNumber(normalizeResidentIdNumber(' 11010519491231002x '))).toBe(true);
  });

  it('returns non-string input unchanged', () => {
    expect(normalizeResidentIdNumber(42)).toBe(42);
    expect(normalizeResidentIdNumber(undefined)).toBeUndefined();
  });
});

describe('isMainlandMobile', () => {
  it.each([
    '13012345678',
    '13812345678',
    '14512345678',
    '15012345678',
    '16612345678',
    '17712345678',
    '18812345678',
    '19912345678',
  ])('valid: %s', (phone) => {
    expect(isMainlandMobile(phone)).toBe(true);
  });

  it.each([
    ['second digit 2', '12812345678'],
    ['second digit 1', '11812345678'],
    ['second digit 0', '10812345678'],
    ['does not start with 1', '23812345678'],
    ['10 digits', '1381234567'],
    ['12 digits', '138123456789'],
    ['+86 prefix (not normalized)', '+8613812345678'],
    ['0086 prefix (not normalized)', '008613812345678'],
    ['spaces (not normalized)', '138 1234 5678'],
    ['dashes (not normalized)', '138-1234-5678'],
    ['letters', '1381234567a'],
    ['empty', ''],
    ['landline', '02112345678'],
  ])('invalid: %s (%p)', (_label, phone) => {
    expect(isMainlandMobile(phone)).toBe(false);
  });

  it('rejects non-string input at runtime', () => {
    expect(isMainlandMobile(13812345678 as unknown as string)).toBe(false);
  });
});

describe('normalizeMobile', () => {
  it.each([
    ['+8613812345678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+86-138-1234-5678', '13812345678'],
    ['008613812345678', '13812345678'],
    ['0086 138-1234-5678', '13812345678'],
    [' 138 1234 5678 ', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['13812345678', '13812345678'],
  ])('%p → %p', (input, expected) => {
    const normalized = normalizeMobile(input);
    expect(normalized).toBe(expected);
    expect(isMainlandMobile(normalized)).toBe(true);
  });

  it.each([
    ['+8612812345678', '12812345678'], // normalized but still invalid (12x)
    ['+861381234567', '1381234567'], // normalized but too short
    ['8613812345678', '8613812345678'], // bare 86 without + is not stripped
    ['+85291234567', '+85291234567'], // other country codes are left alone
  ])('%p → %p, which is not a valid mainland mobile', (input, expected) => {
    const normalized = normalizeMobile(input);
    expect(normalized).toBe(expected);
    expect(isMainlandMobile(normalized)).toBe(false);
  });

  it('returns non-string input unchanged', () => {
    expect(normalizeMobile(null)).toBeNull();
  });
});

describe('masking', () => {
  it.each([
    ['张', '张'],
    ['张三', '张*'],
    ['王小明', '王*明'],
    ['欧阳娜娜', '欧**娜'],
    ['司马相如', '司**如'],
    ['买买提·艾力', '买****力'],
    ['𠈌三', '𠈌*'], // astral-plane (surrogate pair) character counts as one
    ['', ''],
  ])('maskName(%p) → %p', (name, expected) => {
    expect(maskName(name)).toBe(expected);
  });

  it.each([
    ['11010519491231002X', '110105********002X'],
    ['310104198506151237', '310104********1237'],
    ['', ''],
  ])('maskIdNumber(%p) → %p', (id, expected) => {
    expect(maskIdNumber(id)).toBe(expected);
  });

  it('maskIdNumber keeps exactly 6 + 4 characters of an 18-character ID', () => {
    const masked = maskIdNumber('11010519491231002X');
    expect(masked).toHaveLength(18);
    expect(masked.slice(6, 14)).toBe('********');
  });

  it.each([
    ['13812345678', '138****5678'],
    ['19900001111', '199****1111'],
    ['', ''],
  ])('maskMobile(%p) → %p', (phone, expected) => {
    expect(maskMobile(phone)).toBe(expected);
  });
});

describe('class-validator decorators', () => {
  // Decorators are applied programmatically so the spec needs no decorator transform.
  class ApplicantDto {
    idNumber?: unknown;
    phone?: unknown;
  }
  IsResidentIdNumber()(ApplicantDto.prototype, 'idNumber');
  IsMainlandMobile()(ApplicantDto.prototype, 'phone');

  class CustomMessageDto {
    guardianIdNumber?: unknown;
  }
  IsResidentIdNumber({ message: 'guardian ID is invalid' })(CustomMessageDto.prototype, 'guardianIdNumber');

  const dto = <T extends object>(cls: new () => T, props: Partial<T>): T => Object.assign(new cls(), props);

  it('passes valid values', () => {
    expect(validateSync(dto(ApplicantDto, { idNumber: '11010519491231002X', phone: '13812345678' }))).toEqual(
      [],
    );
  });

  it.each([
    ['bad check digit / 12x phone', '110105194912310021', '12812345678'],
    ['lowercase x / +86 prefix (not normalized)', '11010519491231002x', '+8613812345678'],
    ['numbers instead of strings', 11010519491231002, 13812345678],
    ['undefined', undefined, undefined],
  ])('rejects %s with the default messages', (_label, idNumber, phone) => {
    const errors = validateSync(dto(ApplicantDto, { idNumber, phone }));
    const byProperty = Object.fromEntries(errors.map((e) => [e.property, e.constraints]));
    expect(byProperty).toEqual({
      idNumber: { isResidentIdNumber: RESIDENT_ID_NUMBER_MESSAGE },
      phone: { isMainlandMobile: MAINLAND_MOBILE_MESSAGE },
    });
  });

  it('uses the documented message texts', () => {
    expect(RESIDENT_ID_NUMBER_MESSAGE).toBe(
      'idNumber must be an 18-character resident ID number with a valid check digit',
    );
    expect(MAINLAND_MOBILE_MESSAGE).toBe('phone must be an 11-digit mainland mobile number');
  });

  it('honours a custom message', () => {
    const [error] = validateSync(dto(CustomMessageDto, { guardianIdNumber: 'nope' }));
    expect(error.constraints).toEqual({ isResidentIdNumber: 'guardian ID is invalid' });
  });
});

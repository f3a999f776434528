/**
 * Pure validation, normalization and masking rules for case applicants
 * (PRC resident identity numbers and mainland mobile numbers).
 *
 * No framework imports: this module is shared by DTO validators, services
 * and demo-data generators, and is unit tested in isolation.
 */

/** ISO 7064 MOD 11-2 weights for positions 1..17 of a GB 11643-1999 number. */
const ID_WEIGHTS: readonly number[] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** Check character indexed by (weighted sum mod 11). */
const ID_CHECK_CHARS = '10X98765432';

/**
 * 6-digit code, 8-digit birth date, 3-digit sequence, check character (digit or uppercase X only).
 * The code is a resident's area code (first digit 1-8) or, first digit 9, that of a foreigner's
 * permanent-residence ID card (外国人永久居留身份证, 2023 edition: 9, the issuing province, the
 * nationality), which has the same birth date and MOD 11-2 check character.
 */
const RESIDENT_ID_PATTERN = /^([1-9]\d{5})(\d{4})(\d{2})(\d{2})(\d{3})([0-9X])$/;

const MAINLAND_MOBILE_PATTERN = /^1[3-9]\d{9}$/;

/** Earliest accepted birth date, as a YYYYMMDD integer. */
const MIN_BIRTH_DATE = 19000101;

/**
 * Calendar date in Asia/Shanghai. The time zone is fixed here, so the result
 * never depends on the process TZ. Mainland China observes UTC+8 year-round.
 */
const SHANGHAI_DATE_FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const FIXED_OFFSET_SINCE = Date.UTC(1991, 11, 31, 16); // 1992-01-01T00:00+08:00

/** Today's date in Asia/Shanghai as a YYYYMMDD integer (e.g. 20260102). */
export function shanghaiDateNumber(now: Date = new Date()): number {
  // China has kept UTC+8 without daylight saving since 1992: plain arithmetic, no Intl, on the hot path.
  if (now.getTime() >= FIXED_OFFSET_SINCE) {
    const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
    return local.getUTCFullYear() * 10000 + (local.getUTCMonth() + 1) * 100 + local.getUTCDate();
  }
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of SHANGHAI_DATE_FORMAT.formatToParts(now)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return year * 10000 + month * 100 + day;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  switch (month) {
    case 2:
      return isLeapYear(year) ? 29 : 28;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    default:
      return 31;
  }
}

/**
 * ISO 7064 MOD 11-2 check character for the first 17 digits of a resident
 * identity number. Throws a RangeError if `first17` is not exactly 17 ASCII digits.
 */
export function residentIdCheckChar(first17: string): string {
  if (typeof first17 !== 'string' || !/^\d{17}$/.test(first17)) {
    throw new RangeError('residentIdCheckChar expects exactly 17 digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i];
  }
  return ID_CHECK_CHARS[sum % 11];
}

/**
 * Strict check of an 18-character PRC resident identity number (GB 11643-1999), or of the 2023
 * foreigner's permanent-residence ID card number (first digit 9), which follows the same rules.
 * The value must already be normalized (see {@link normalizeResidentIdNumber}):
 * no surrounding whitespace, and the check character must be uppercase 'X'.
 *
 * The birth date must be a real calendar date between 1900-01-01 and today in
 * Asia/Shanghai (inclusive). `now` is injectable for tests; it defaults to the
 * current instant.
 */
export function isResidentIdNumber(value: string, now: Date = new Date()): boolean {
  if (typeof value !== 'string') return false;
  const match = RESIDENT_ID_PATTERN.exec(value);
  if (!match) return false;

  const year = Number(match[2]);
  const month = Number(match[3]);
  const day = Number(match[4]);
  if (month < 1 || month > 12) return false;
  if (day < 1 || day > daysInMonth(year, month)) return false;

  const birthDate = year * 10000 + month * 100 + day;
  if (birthDate < MIN_BIRTH_DATE || birthDate > shanghaiDateNumber(now)) return false;

  return residentIdCheckChar(value.slice(0, 17)) === match[6];
}

/**
 * Trims surrounding whitespace and uppercases (so a trailing 'x' becomes 'X').
 * Apply before validation (e.g. via class-transformer `@Transform`).
 * Non-string input is returned unchanged so the validator can reject it.
 */
export function normalizeResidentIdNumber(value: string): string;
export function normalizeResidentIdNumber(value: unknown): unknown;
export function normalizeResidentIdNumber(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().toUpperCase() : value;
}

/**
 * 11 digits, leading '1', second digit 3-9. No country prefix, separators or
 * whitespace: normalize first with {@link normalizeMobile}.
 */
export function isMainlandMobile(value: string): boolean {
  return typeof value === 'string' && MAINLAND_MOBILE_PATTERN.test(value);
}

/**
 * Removes all whitespace and dashes, then one leading '+86' or '0086'
 * country prefix. Non-string input is returned unchanged so the validator
 * can reject it.
 */
export function normalizeMobile(value: string): string;
export function normalizeMobile(value: unknown): unknown;
export function normalizeMobile(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/[\s-]+/g, '').replace(/^(?:\+86|0086)/, '');
}

/**
 * Masks a name, counting Unicode code points (not UTF-16 units):
 * 1 char → unchanged (nothing after the first character to mask), 2 chars →
 * first + '*', ≥3 chars → first + '*' × (n−2) + last.
 * 张三 → 张*, 王小明 → 王*明, 欧阳娜娜 → 欧**娜.
 */
export function maskName(name: string): string {
  const chars = Array.from(name);
  const n = chars.length;
  if (n <= 1) return name;
  if (n === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(n - 2)}${chars[n - 1]}`;
}

/**
 * Keeps the first 6 and last 4 characters and masks everything between:
 * 11010519491231002X → 110105********002X. Values of 10 characters or fewer
 * are masked entirely so no part leaks.
 */
export function maskIdNumber(id: string): string {
  if (id.length <= 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

/**
 * Keeps the first 3 and last 4 digits and masks the middle:
 * 13812345678 → 138****5678. Values of 7 characters or fewer are masked entirely.
 */
export function maskMobile(m: string): string {
  if (m.length <= 7) return '*'.repeat(m.length);
  return `${m.slice(0, 3)}${'*'.repeat(m.length - 7)}${m.slice(-4)}`;
}

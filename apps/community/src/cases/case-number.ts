import { shanghaiDateNumber } from './applicant.rules';

/** Digits of the per-community sequence in a case number. */
export const CASE_SEQ_DIGITS = 8;
/** Case numbers per block taken from the database sequence. */
export const CASE_NO_BLOCK = 1000;

/**
 * 办件编号: the community's 12-digit code, the filing date in Asia/Shanghai (YYYYMMDD, whatever the
 * server's time zone) and the community's sequence number. Unique across the federation because
 * community codes are.
 */
export function formatCaseNo(communityCode: string, filedAt: Date, seq: number): string {
  if (!/^\d{12}$/.test(communityCode)) throw new Error(`community code ${communityCode} is not 12 digits`);
  if (!Number.isSafeInteger(seq) || seq < 0)
    throw new Error(`case sequence ${seq} is not a non-negative integer`);
  const date = String(shanghaiDateNumber(filedAt));
  return `${communityCode}${date}${String(seq).padStart(CASE_SEQ_DIGITS, '0')}`;
}

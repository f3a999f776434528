const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** A valid 18-character resident ID number (ISO 7064 MOD 11-2 check character). */
export function residentId(seq: number, birth = '19850612', area = '150202'): string {
  const first17 = `${area}${birth}${String(seq % 1000).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0);
  return first17 + CHECK[sum % 11];
}

let counter = 0;

/** A filing request body that passes validation; `seq` varies the applicant. */
export function filingBody(overrides: Record<string, unknown> = {}) {
  counter++;
  return {
    itemCode: '150200-MZ-001',
    applicant: {
      name: '王小明',
      idNumber: residentId(counter),
      phone: `139${String(10000000 + counter).slice(-8)}`,
    },
    channel: 'window',
    formData: { household: 3, reason: '低保申请', members: [{ name: '王大明', relation: '父亲' }] },
    ...overrides,
  };
}

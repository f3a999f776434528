import { CasePause, CaseSnapshot, emptyLifecycle } from '@fed/contracts';

// Shared by the specs of this library (excluded from the build). An accepted case with just what
// caseDeadlines, classify and measureTiming read filled in meaningfully; acceptedAt null: not accepted.
export function acceptedCase(
  acceptedAt: string | null,
  promisedDays: number,
  legalDays: number,
  pauses: CasePause[] = [],
): CaseSnapshot {
  return {
    caseNo: '150202001001202603020000000001',
    communityCode: '150202001001',
    districtCode: '150202',
    cityCode: '150200',
    itemCode: 'TEST-ITEM',
    item: {
      code: 'TEST-ITEM',
      version: 1,
      name: '测试事项',
      department: '测试部门',
      decidingTier: 'community',
      promisedDays,
      legalDays,
    },
    channel: 'window',
    applicant: { name: '王*明', idNumber: '150202********1234', phone: '139****0001' },
    formData: {},
    status: pauses.some((p) => p.to === null) ? 'supplement' : acceptedAt ? 'accepted' : 'submitted',
    filedAt: acceptedAt ?? '2026-03-02T01:00:00.000Z',
    handlingNode: '150202001001',
    queryCodeHash: '0'.repeat(64),
    lifecycle: { ...emptyLifecycle(), acceptedAt, acceptedBy: acceptedAt ? '150202001001' : null, pauses },
  };
}

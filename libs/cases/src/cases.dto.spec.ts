import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ActionsController } from './actions.controller';
import { CasesController } from './cases.controller';
import { CaseNoPipe } from './cases.dto';
import { CaseError, CaseErrorCode } from './cases.errors';
import { PublicCasesController } from './public.controller';
import { WarningController } from './warning/warning.controller';

const COMMUNITY = '150202001001';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('CaseNoPipe', () => {
  const pipe = new CaseNoPipe();

  it.each([
    ['a filed case number', `${COMMUNITY}2026112600000042`],
    ['a longer sequence', `${COMMUNITY}20261126${'9'.repeat(10)}`],
  ])('passes %s as it is', (_what, caseNo) => {
    expect(pipe.transform(caseNo)).toBe(caseNo);
  });

  it.each([
    ['letters', 'abc'],
    ['a NUL', 'a\u0000'],
    ['a case number with a NUL', `${COMMUNITY}2026112600000042\u0000`],
    ['the community code alone', COMMUNITY],
    ['a sequence too short', `${COMMUNITY}2026112612345`],
    ['a sequence too long', `${COMMUNITY}20261126${'9'.repeat(11)}`],
    ['full-width digits', '１５０２０２００１００１2026112600000042'],
    ['a space', ` ${COMMUNITY}2026112600000042`],
    ['nothing', ''],
  ])('answers %s like an unknown case: 404 CASE_NOT_FOUND', (_what, caseNo) => {
    const error = thrown(() => pipe.transform(caseNo));
    expect(error).toBeInstanceOf(CaseError);
    expect(error).toMatchObject({ kind: 'not_found', code: CaseErrorCode.NotFound, details: { caseNo } });
  });

  it.each([
    ['GET /api/v1/cases/:caseNo', CasesController, 'get'],
    ['GET /api/v1/cases/:caseNo/events', CasesController, 'events'],
    ['POST /api/v1/cases/:caseNo/actions/:action', ActionsController, 'act'],
    ['GET /api/v1/public/cases/:caseNo', PublicCasesController, 'lookup'],
    ['GET /api/v1/cases/:caseNo/deadline', WarningController, 'deadline'],
  ] as const)('checks the :caseNo of %s', (_route, controller, method) => {
    const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) as Record<
      string,
      { data?: unknown; pipes: unknown[] }
    >;
    const caseNo = Object.values(args).find((a) => a.data === 'caseNo');
    expect(caseNo?.pipes).toContain(CaseNoPipe);
  });
});

import { StreamableFile } from '@nestjs/common';
import { NodeConfig } from '@fed/platform';
import { CaseView } from '../cases.repository';
import { OversightController } from './oversight.controller';
import { OversightRepository } from './oversight.repository';
import { OversightQuery } from './stats.dto';

const city = { node: { code: '150200', tier: 'city', name: '包头市' } } as NodeConfig;

const aCase = (caseNo: string) =>
  ({
    caseNo,
    districtCode: '150202',
    communityCode: '150202001001',
    itemCode: 'ITEM-1',
    item: { name: '居住证办理', department: '公安' },
    status: 'accepted',
    handlingNode: '150202001001',
    filedAt: '2026-03-02T01:00:00.000Z',
    lifecycle: {},
  }) as unknown as CaseView;

/** A repository whose pages come from `pages`, in order; it may fail instead. */
function controllerOver(pages: () => AsyncGenerator<CaseView[]>) {
  const repository = { all: pages } as unknown as OversightRepository;
  return new OversightController(repository, city);
}

async function text(file: StreamableFile): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of file.getStream()) chunks.push(Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

describe('OversightController CSV export', () => {
  it('fails before its first byte when the first page fails: an error answer, not a cut download', async () => {
    const refused = Object.assign(new Error('date/time field value out of range'), { code: '22008' });
    // eslint-disable-next-line require-yield -- it fails before its first page
    const controller = controllerOver(async function* () {
      await Promise.resolve();
      throw refused;
    });
    await expect(controller.casesCsv(new OversightQuery())).rejects.toBe(refused);
  });

  it('streams the header, then every page in order', async () => {
    const controller = controllerOver(async function* () {
      await Promise.resolve();
      yield [aCase('150202001001202603020000000002'), aCase('150202001001202603020000000001')];
      yield [aCase('150202001001202603010000000009')];
    });
    const lines = (await text(await controller.casesCsv(new OversightQuery()))).split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFFcaseNo,districtCode,/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([
      '150202001001202603020000000002',
      '150202001001202603020000000001',
      '150202001001202603010000000009',
      '',
    ]);
  });

  it('answers the header alone when nothing matches', async () => {
    // eslint-disable-next-line require-yield -- no page at all
    const controller = controllerOver(async function* () {
      await Promise.resolve();
    });
    const csv = await text(await controller.casesCsv(new OversightQuery()));
    expect(csv.split('\r\n')).toEqual([expect.stringMatching(/^\uFEFFcaseNo,/), '']);
  });
});

import { create, toBinary } from '@bufbuild/protobuf';
import { SyncMessageSchema } from './gen/fed/v1/sync_pb';
import { decodeSync, encodeSync, SyncMessage } from './sync.codec';

const CHECK = '3f2b8c1e-4d5a-4b6c-9d7e-8f9a0b1c2d3e';
const SENT = new Date('2026-12-08T02:00:00.000Z');

describe('sync messages', () => {
  it('round-trips each kind', () => {
    const messages: SyncMessage[] = [
      {
        checkId: CHECK,
        sentAt: SENT,
        body: { kind: 'digest-request', prefixes: ['', '202612'], cases: false, asOf: SENT },
      },
      {
        checkId: CHECK,
        sentAt: SENT,
        body: {
          kind: 'digest',
          prefixes: ['20261208-a3f'],
          cases: true,
          asOf: SENT,
          buckets: [{ key: '202612', count: 3, hash: 'a'.repeat(32) }],
          marks: [
            {
              caseNo: '1502020010012026120800000001',
              version: 4,
              lastEventId: '00000000-0000-4000-8000-000000000001',
              lastEventAt: SENT,
            },
          ],
          referencesHash: 'b'.repeat(32),
          clusterId: 'olcHfezY629xmZE6UGxEqQ',
        },
      },
      {
        checkId: CHECK,
        sentAt: SENT,
        body: {
          kind: 'resend-request',
          cases: [{ caseNo: '1502020010012026120800000001', afterVersion: 2 }],
        },
      },
    ];
    for (const m of messages) expect(decodeSync(encodeSync(m))).toEqual(m);
  });

  it('refuses what is not well formed', () => {
    const bytes = (init: Parameters<typeof create<typeof SyncMessageSchema>>[1]) =>
      toBinary(SyncMessageSchema, create(SyncMessageSchema, init));
    const sentAt = { seconds: 1n, nanos: 0 };
    expect(() => decodeSync(Buffer.from('not protobuf at all'))).toThrow(/does not decode|checkId/);
    expect(() => decodeSync(bytes({ checkId: 'x', sentAt }))).toThrow('checkId must be a UUID');
    expect(() => decodeSync(bytes({ checkId: CHECK, sentAt }))).toThrow('no body');
    expect(() =>
      decodeSync(
        bytes({ checkId: CHECK, sentAt, body: { case: 'digestRequest', value: { prefixes: [''] } } }),
      ),
    ).toThrow('asOf is missing');
    expect(() =>
      decodeSync(
        bytes({
          checkId: CHECK,
          sentAt,
          body: { case: 'digestRequest', value: { prefixes: ["2026'; DROP"], cases: false, asOf: sentAt } },
        }),
      ),
    ).toThrow('malformed key');
    expect(() =>
      decodeSync(
        bytes({
          checkId: CHECK,
          sentAt,
          body: { case: 'resendRequest', value: { cases: [{ caseNo: '123', afterVersion: 0 }] } },
        }),
      ),
    ).toThrow('case number is malformed');
  });
});

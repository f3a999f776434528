import { logLevel } from 'kafkajs';
import { chunksByBytes, kafkaLogMethod } from './kafka.adapter';

const m = (bytes: number) => ({ value: Buffer.alloc(bytes) });

describe('chunksByBytes', () => {
  it.each([
    ['nothing', [], 10, []],
    ['all fit', [3, 3, 3], 10, [[3, 3, 3]]],
    ['split in order', [6, 3, 2, 9, 1], 10, [[6, 3], [2], [9, 1]]],
    ['an oversized message goes alone', [4, 20, 4], 10, [[4], [20], [4]]],
  ])('%s', (_what, sizes, limit, expected) => {
    expect(chunksByBytes(sizes.map(m), limit).map((c) => c.map((x) => x.value.length))).toEqual(expected);
  });
});

describe('kafkaLogMethod', () => {
  it('logs at the level kafkajs gives', () => {
    expect(kafkaLogMethod(logLevel.ERROR, { error: 'Connection timeout' })).toBe('error');
    expect(kafkaLogMethod(logLevel.WARN, {})).toBe('warn');
    expect(kafkaLogMethod(logLevel.INFO, {})).toBe('log');
    expect(kafkaLogMethod(logLevel.DEBUG, {})).toBe('debug');
  });

  it("warns, not errs, of the group's routine answers while a member joins or leaves", () => {
    // As kafkajs logs a heartbeat answered during a rolling restart.
    const heartbeat = { error: 'The group is rebalancing, so a rejoin is needed', correlationId: 8 };
    expect(kafkaLogMethod(logLevel.ERROR, heartbeat)).toBe('warn');
    expect(kafkaLogMethod(logLevel.ERROR, { error: 'Specified group generation id is not valid' })).toBe(
      'warn',
    );
    expect(kafkaLogMethod(logLevel.ERROR, { error: 'The coordinator is not aware of this member' })).toBe(
      'error',
    );
  });
});

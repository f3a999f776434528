import path from 'node:path';
import { Topology } from './topology';

// jest's rootDir is the repository, and `npm run check` runs there.
const DEMO = path.join(process.cwd(), 'deploy/topology/demo.json');

describe('Topology of the demo federation', () => {
  const topology = Topology.fromFile(DEMO);

  it('holds the city, two districts, four communities and the monitor', () => {
    expect(
      topology
        .all()
        .map((n) => n.code)
        .sort(),
    ).toEqual([
      '150200',
      '150200-monitor',
      '150202',
      '150202001001',
      '150202002003',
      '150204',
      '150204001002',
      '150204003001',
    ]);
  });

  it.each([
    ['150200', 'city', 3000, undefined, ['150202', '150204']],
    ['150202', 'district', 3100, '150200', ['150202001001', '150202002003']],
    ['150204', 'district', 3200, '150200', ['150204001002', '150204003001']],
    ['150202001001', 'community', 3101, '150202', []],
    ['150202002003', 'community', 3102, '150202', []],
    ['150204001002', 'community', 3201, '150204', []],
    ['150204003001', 'community', 3202, '150204', []],
    // The monitor watches the city but is not part of the tree.
    ['150200-monitor', 'monitor', 3900, undefined, []],
  ])('has %s as a %s on port %i under %s', (code, tier, port, parent, children) => {
    const { name, ...node } = topology.get(code);
    expect(node).toEqual({ code, tier, port, parent, children });
    expect(name).not.toBe('');
  });

  it('keeps the Chinese names', () => {
    expect(topology.get('150200').name).toBe('包头市');
    expect(topology.get('150202001001').name).toBe('西脑包街道 西脑包社区');
  });

  it.each([
    ['150202001001', '150202', true],
    ['150202001001', '150200', true],
    ['150202001001', '150204', false],
    ['150202001001', '150202001001', true],
    ['150202001001', '150202002003', false],
    ['150204003001', '150200', true],
    ['150204003001', '150202', false],
    ['150202', '150200', true],
    ['150202', '150202', true],
    ['150202', '150204', false],
    ['150200', '150200', true],
    // Nothing is within something below it.
    ['150200', '150202', false],
    ['150202', '150202001001', false],
    ['150200-monitor', '150200', false],
    ['150200-monitor', '150200-monitor', true],
    ['150202009009', '150202', false],
    ['150202001001', '150299', false],
  ])('isWithin(%s, %s) is %s', (code, ancestor, expected) => {
    expect(topology.isWithin(code, ancestor)).toBe(expected);
  });

  it('lists a node and those above it, the city first', () => {
    expect(topology.lineage('150204003001')).toEqual(['150200', '150204', '150204003001']);
    expect(topology.lineage('150200')).toEqual(['150200']);
  });

  it('names the child under which a node lies, and none for itself or another branch', () => {
    expect(topology.childToward(topology.get('150200'), '150204003001')).toBe('150204');
    expect(topology.childToward(topology.get('150204'), '150204003001')).toBe('150204003001');
    expect(topology.childToward(topology.get('150204003001'), '150204003001')).toBeUndefined();
    expect(topology.childToward(topology.get('150202'), '150204003001')).toBeUndefined();
  });

  it('tells known from unknown codes', () => {
    expect(topology.has('150204001002')).toBe(true);
    expect(topology.has('150204001003')).toBe(false);
    expect(() => topology.get('150204001003')).toThrow('node 150204001003 is not in the topology');
  });
});

describe('Topology.parse', () => {
  /** A small valid topology, to be spoiled one field at a time. */
  const valid = () => ({
    city: {
      code: '150200',
      name: '包头市',
      port: 3000,
      districts: [
        {
          code: '150202',
          name: '东河区',
          port: 3100,
          communities: [
            { code: '150202001001', name: '西脑包社区', port: 3101 },
            { code: '150202002003', name: '和平社区', port: 3102 },
          ],
        },
        {
          code: '150204',
          name: '青山区',
          port: 3200,
          communities: [{ code: '150204001002', name: '先锋社区', port: 3201 }],
        },
      ],
    },
    monitor: { code: '150200-monitor', name: '效能电子监察', port: 3900 },
  });
  type Raw = ReturnType<typeof valid>;
  const spoil = (change: (t: Raw) => void): unknown => {
    const t = valid();
    change(t);
    return t;
  };

  it('accepts the unspoiled topology, so each failure below has one cause', () => {
    const topology = Topology.parse(valid());
    expect(topology.all()).toHaveLength(7);
    expect(topology.get('150202').children).toEqual(['150202001001', '150202002003']);
  });

  it('accepts a city alone', () => {
    const topology = Topology.parse({ city: { code: '150200', name: '包头市', port: 3000 } });
    expect(topology.get('150200').children).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    ['nothing', null, /a city is required/],
    ['an empty object', {}, /a city is required/],
    ['only a monitor', { monitor: valid().monitor }, /a city is required/],
    [
      'a 5-digit city code',
      spoil((t) => (t.city.code = '15020')),
      /a city needs a 6-digit string code, got "15020"/,
    ],
    [
      'a numeric city code',
      spoil((t) => Object.assign(t.city, { code: 150200 })),
      /city needs a 6-digit string/,
    ],
    [
      'a 5-digit district code',
      spoil((t) => (t.city.districts[0].code = '15020')),
      /a district needs a 6-digit string code, got "15020"/,
    ],
    [
      'an 11-digit community code',
      spoil((t) => (t.city.districts[0].communities[0].code = '15020200100')),
      /a community needs a 12-digit string code/,
    ],
    [
      'a community not under its district prefix',
      spoil((t) => (t.city.districts[0].communities[0].code = '150204001001')),
      /community 150204001001 is not under 150202/,
    ],
    [
      'a community code repeated in its district',
      spoil((t) => (t.city.districts[0].communities[1].code = '150202001001')),
      /150202001001 appears twice/,
    ],
    ['a district code repeated', spoil((t) => (t.city.districts[1].code = '150202')), /150202 appears twice/],
    [
      'a district with the city code',
      spoil((t) => (t.city.districts[1].code = '150200')),
      /150200 appears twice/,
    ],
    [
      'a community without a port',
      spoil((t) => delete (t.city.districts[0].communities[0] as { port?: number }).port),
      /150202001001 needs an integer port/,
    ],
    [
      'a port given as a string',
      spoil((t) => Object.assign(t.city.districts[0], { port: '3100' })),
      /150202 needs an integer port/,
    ],
    ['a fractional port', spoil((t) => (t.city.port = 3000.5)), /150200 needs an integer port/],
    [
      'a city without a port',
      spoil((t) => delete (t.city as { port?: number }).port),
      /150200 needs an integer port/,
    ],
    ['a district without a name', spoil((t) => (t.city.districts[1].name = '')), /150204 needs a name/],
    [
      'a monitor without a code',
      spoil((t) => delete (t.monitor as { code?: string }).code),
      /a monitor needs a .*string code, got undefined/,
    ],
  ])('rejects %s', (_name, raw, reason) => {
    expect(() => Topology.parse(raw, 'bad.json')).toThrow(reason);
    expect(() => Topology.parse(raw, 'bad.json')).toThrow(/^bad\.json: /);
  });
});

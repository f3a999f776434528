'use strict';
/**
 * Demo data for `npm start`: about 25 cases filed at the community nodes through their public API
 * (POST /api/v1/cases), as a window clerk would. Deterministic: the same applicants every time.
 *
 * The item codes below must exist in the catalog the apps seed; keep DEMO_ITEMS in step with it.
 */

const { httpRequest, stderrLog } = require('../infra/util');

const TOTAL_CASES = 25;

/**
 * @typedef {object} DemoItem
 * @property {string} itemCode
 * @property {string} name
 * @property {number} weight  how often it comes up, relative to the others
 * @property {{ minAge?: number, maxAge?: number, sex?: 'male' | 'female' }} [who] the usual applicant
 * @property {(rnd: () => number, applicant: Applicant, community: { name: string }) => Record<string, unknown>} formData
 */

/**
 * @typedef {object} Applicant
 * @property {string} name
 * @property {string} idNumber
 * @property {string} phone
 */

/** Service items the demo files cases for (实施编码 of the city's catalog). */
const DEMO_ITEMS = /** @type {DemoItem[]} */ ([
  {
    itemCode: '150200-MZ-001',
    name: '最低生活保障',
    weight: 4,
    formData: (rnd, _a, c) => ({
      householdSize: 1 + Math.floor(rnd() * 5),
      monthlyIncomePerCapita: 300 + Math.floor(rnd() * 50) * 10,
      address: `${c.name}${1 + Math.floor(rnd() * 30)}号楼${1 + Math.floor(rnd() * 6)}单元`,
      reason: pick(rnd, ['家庭成员患重病，医疗支出大', '失业无固定收入', '因残导致家庭收入低于当地低保标准']),
    }),
  },
  {
    itemCode: '150200-MZ-002',
    name: '临时救助',
    weight: 2,
    formData: (rnd) => ({
      householdSize: 1 + Math.floor(rnd() * 4),
      emergency: pick(rnd, ['突发重大疾病', '火灾导致基本生活困难', '家庭主要劳动力意外死亡']),
      requestedAmount: 1000 + Math.floor(rnd() * 40) * 100,
    }),
  },
  {
    itemCode: '150200-MZ-003',
    name: '高龄津贴',
    weight: 2,
    who: { minAge: 80 },
    formData: (_rnd, a) => ({
      birthDate: `${a.idNumber.slice(6, 10)}-${a.idNumber.slice(10, 12)}-${a.idNumber.slice(12, 14)}`,
      bankName: '内蒙古农村信用社',
    }),
  },
  {
    itemCode: '150200-CL-001',
    name: '困难残疾人生活补贴和重度残疾人护理补贴',
    weight: 1,
    formData: (rnd) => ({
      disabilityCertificateNo: `1502${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`,
      disabilityLevel: pick(rnd, ['一级', '二级', '三级']),
      disabilityType: pick(rnd, ['肢体', '视力', '听力', '智力']),
    }),
  },
  {
    itemCode: '150200-RS-001',
    name: '就业失业登记',
    weight: 2,
    who: { maxAge: 59 },
    formData: (rnd) => ({
      registrationType: pick(rnd, ['失业登记', '就业登记']),
      lastEmployer: pick(rnd, ['包头钢铁（集团）有限责任公司', '包头市某商贸有限公司', '个体经营']),
      education: pick(rnd, ['高中', '中专', '大专', '本科']),
    }),
  },
  {
    itemCode: '150200-RS-002',
    name: '城乡居民基本养老保险参保登记',
    weight: 2,
    who: { maxAge: 59 },
    formData: (rnd) => ({
      contributionGrade: pick(rnd, [200, 300, 500, 1000, 2000]),
      householdType: pick(rnd, ['城镇', '农村']),
    }),
  },
  {
    itemCode: '150200-YB-001',
    name: '城乡居民基本医疗保险参保登记',
    weight: 2,
    formData: (rnd) => ({
      insuredYear: new Date().getUTCFullYear(),
      category: pick(rnd, ['成年居民', '老年居民', '未成年人']),
    }),
  },
  {
    itemCode: '150200-WJ-001',
    name: '生育登记服务',
    weight: 1,
    who: { minAge: 22, maxAge: 40, sex: 'female' },
    formData: (rnd) => ({
      childOrder: 1 + Math.floor(rnd() * 3),
      expectedDate: `${new Date().getUTCFullYear() + 1}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-15`,
      spouseName: pick(rnd, SURNAMES) + pick(rnd, GIVEN_MALE),
    }),
  },
]);

const CHANNELS = /** @type {const} */ ([
  'window',
  'window',
  'window',
  'window',
  'window',
  'online',
  'online',
  'wechat',
  'wechat',
  'qr',
]);

const SURNAMES = [
  ...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎',
];
const GIVEN_MALE = [
  '伟',
  '强',
  '磊',
  '军',
  '勇',
  '杰',
  '涛',
  '明',
  '超',
  '刚',
  '建国',
  '志强',
  '海涛',
  '宝山',
  '振华',
  '文博',
  '浩然',
  '国庆',
  '建军',
  '永胜',
];
const GIVEN_FEMALE = [
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '艳',
  '娟',
  '霞',
  '秀英',
  '桂兰',
  '玉兰',
  '淑珍',
  '丽华',
  '晓燕',
  '雅琴',
  '欣怡',
  '婷婷',
  '慧敏',
  '春梅',
  '红梅',
];
const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '177',
  '180',
  '181',
  '186',
  '187',
  '188',
  '189',
  '191',
  '199',
];

/** ISO 7064 MOD 11-2 weights of a GB 11643-1999 resident identity number. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/**
 * Check character of an 18-character PRC resident identity number.
 * @param {string} first17
 */
function residentIdCheckChar(first17) {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('residentIdCheckChar expects 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK_CHARS[sum % 11];
}

/**
 * A valid resident identity number: area code, birth date, sequence (odd for men, even for women),
 * check character.
 * @param {string} areaCode six digits
 * @param {Date} birth  (UTC date parts are used)
 * @param {number} sequence 0..999
 */
function residentIdNumber(areaCode, birth, sequence) {
  const date =
    String(birth.getUTCFullYear()) +
    String(birth.getUTCMonth() + 1).padStart(2, '0') +
    String(birth.getUTCDate()).padStart(2, '0');
  const first17 = `${areaCode}${date}${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/**
 * mulberry32: a small seeded PRNG, so the demo data is the same on every run.
 * @param {number} seed
 */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @template T
 * @param {() => number} rnd
 * @param {readonly T[]} list
 * @returns {T}
 */
function pick(rnd, list) {
  return list[Math.floor(rnd() * list.length)];
}

/**
 * @param {() => number} rnd
 * @param {DemoItem[]} items
 */
function pickWeighted(rnd, items) {
  let r = rnd() * items.reduce((sum, item) => sum + item.weight, 0);
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1];
}

/**
 * A demo applicant registered in `areaCode` (the district's code, as on a real ID card).
 * @param {() => number} rnd
 * @param {string} areaCode
 * @param {{ minAge?: number, maxAge?: number, sex?: 'male' | 'female' }} [who]
 * @returns {Applicant}
 */
function demoApplicant(rnd, areaCode, who = {}) {
  const { minAge = 18, maxAge = 88, sex } = who;
  const male = sex ? sex === 'male' : rnd() < 0.5;
  const name = pick(rnd, SURNAMES) + pick(rnd, male ? GIVEN_MALE : GIVEN_FEMALE);
  // aged minAge..maxAge today
  const year = new Date().getUTCFullYear();
  const from = Date.UTC(year - maxAge, 0, 1);
  const to = Date.UTC(year - minAge, 0, 1);
  const birth = new Date(from + Math.floor(rnd() * ((to - from) / 86_400_000)) * 86_400_000);
  let sequence = Math.floor(rnd() * 500) * 2; // even
  if (male) sequence += 1;
  const phone = pick(rnd, MOBILE_PREFIXES) + String(Math.floor(rnd() * 1e8)).padStart(8, '0');
  return { name, idNumber: residentIdNumber(areaCode, birth, sequence), phone };
}

/**
 * The demo cases, spread round-robin over the communities.
 * @param {Array<{ code: string, name: string }>} communities
 * @param {number} [total]
 */
function demoCases(communities, total = TOTAL_CASES) {
  const rnd = prng(150200);
  return Array.from({ length: total }, (_, i) => {
    const community = communities[i % communities.length];
    const item = pickWeighted(rnd, DEMO_ITEMS);
    const applicant = demoApplicant(rnd, community.code.slice(0, 6), item.who);
    return {
      community,
      body: {
        itemCode: item.itemCode,
        applicant,
        channel: pick(rnd, CHANNELS),
        formData: item.formData(rnd, applicant, community),
      },
    };
  });
}

/**
 * Files the demo cases at the community nodes. Never throws for a rejected case: returns what
 * happened and logs a summary; the caller decides whether failures matter.
 * @param {Array<{ code: string, name: string, tier: string, url: string }>} nodes from startFederation
 * @param {(message: string) => void} [log]
 * @returns {Promise<{ created: number, failed: Array<{ community: string, itemCode: string, error: string }> }>}
 */
async function seedDemo(nodes, log = stderrLog('seed')) {
  const communities = nodes.filter((n) => n.tier === 'community');
  if (!communities.length) {
    log('no community nodes: nothing to seed');
    return { created: 0, failed: [] };
  }
  const cases = demoCases(communities);
  /** @type {Array<{ community: string, itemCode: string, error: string }>} */
  const failed = [];
  let created = 0;
  // one community at a time per node (a clerk files one case after another), communities in parallel
  await Promise.all(
    communities.map(async (community) => {
      for (const c of cases.filter((x) => x.community === community)) {
        try {
          const res = await httpRequest('POST', `${community.url}/api/v1/cases`, {
            body: c.body,
            timeoutMs: 15_000,
          });
          if (res.status >= 200 && res.status < 300) created++;
          else
            failed.push({
              community: community.code,
              itemCode: c.body.itemCode,
              error: `HTTP ${res.status} ${res.body.slice(0, 300)}`,
            });
        } catch (err) {
          failed.push({
            community: community.code,
            itemCode: c.body.itemCode,
            error: /** @type {Error} */ (err).message,
          });
        }
      }
    }),
  );
  if (!failed.length) {
    log(`filed ${created} demo cases at ${communities.length} communities`);
  } else {
    log(`filed ${created} of ${cases.length} demo cases; ${failed.length} were refused, e.g.:`);
    for (const f of failed.slice(0, 5)) log(`  ${f.community} ${f.itemCode}: ${f.error}`);
  }
  return { created, failed };
}

module.exports = {
  seedDemo,
  demoCases,
  demoApplicant,
  residentIdNumber,
  residentIdCheckChar,
  prng,
  DEMO_ITEMS,
};

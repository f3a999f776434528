'use strict';
/**
 * The `stats` phase of `npm run bench` (bench/run.js): the query side of efficiency monitoring.
 *
 *   1. Loads --stats-cases realistic cases (default 1,000,000) straight into the city's case_record
 *      with SQL (INSERT ... SELECT FROM generate_series, 100,000 rows per statement and transaction),
 *      with every trigger on: stats_daily / stats_open and the derived oversight columns are kept
 *      the normal way. Each chunk runs under EXPLAIN (ANALYZE) so the time of each trigger is known.
 *      Then VACUUM (ANALYZE), as autovacuum would do soon after such a load.
 *   2. p50/p95/max of typical statistics and oversight queries over the city's HTTP API (warm-up,
 *      then --stats-reps sequential repetitions each).
 *   3. The naive baseline in the same run: the same statistics computed from case_record alone with
 *      GROUP BY and jsonb extraction in one query (what the API would cost without the incremental
 *      tables), straight on the city database; its figures are checked against the API's.
 *   4. EXPLAIN (ANALYZE, BUFFERS) of the SQL behind the API queries, for the record.
 *
 * The cases: the demo topology's 4 communities and 2 districts, the 26 items of
 * deploy/catalog/demo-catalog.json (weights of deploy/scripts/seed.js), filed over the last 365 days
 * (working hours, mostly working days). About 5 % open (accepted, supplement, special procedure,
 * suspended) with the warning the clock would give them, ~4 % refused (不予受理), ~1 % withdrawn, a few
 * just submitted or decided, the rest delivered with a timing (deadlines, working days used,
 * ahead/on-time/overdue), most rated. Deterministic (hashes of the row number, no random()).
 * Case numbers: <community><YYYYMMDD>97<7 digits>: 9-digit sequences starting with 97, which real
 * filings (8 digits) and the pipeline phase (80x/81x...) never use. Open cases are handled by a
 * community or a district, never the city, so the city's warning clock leaves them alone.
 *
 * Plain CommonJS; `pg` only.
 */

const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const CHUNK = 100_000;
const MAX_CASES = 9_999_999; // 7 digits after the "97"
const API_WARMUP = 5;
const NAIVE_REPS = 5;
const TARGET_P95_MS = 100;
const TARGET_SPEEDUP = 10;
const TZ = 'Asia/Shanghai';

/** How often each community files, relative to the others (in topology order). */
const COMMUNITY_WEIGHTS = [0.3, 0.25, 0.25, 0.2];
const SURNAMES = Array.from('王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧');
const GIVEN = '伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建华 玉兰 志强'.split(
  ' ',
);
const REASONS = [
  '家庭成员患重病，医疗支出大',
  '失业无固定收入',
  '因残导致家庭收入低于当地标准',
  '首次申请',
  '证件到期换领',
  '材料变更后重新申请',
];
const REJECT_REASONS = [
  '申请人户籍不在本社区，应向户籍所在地社区提出申请',
  '申请人所持居民身份证已过有效期，请换领后重新申请',
  '申请事项不属于本中心受理范围，已告知申请人向有权机关申请',
  '申请人经一次性告知后仍未能提供申请条件所需的基本材料',
];

const now = () => performance.timeOrigin + performance.now();
const sql = String.raw;

// ---------------------------------------------------------------------------------------------
// 1. the load

/**
 * The INSERT of cases $1..$2 (row numbers). Pseudo-random numbers u(k) in [0, 1) are hashes of the
 * row number, so the same N gives the same cases every run.
 */
function insertSql() {
  const u = (k) => `((hashint8extended(g.i::bigint, ${k}) & 2147483647)::float8 / 2147483648.0)`;
  const iso = (x) => `to_char((${x}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const shDay = (x) => `((${x}) AT TIME ZONE '${TZ}')::date`;
  const at = (day, hours) => `((${day})::timestamp + (${hours}) * interval '1 hour') AT TIME ZONE '${TZ}'`;
  const pickText = (arr, r) => `(${arr})[1 + floor(${r} * cardinality(${arr}))::int]`;
  const officer = (r1, r2) => `${pickText('$10::text[]', r1)} || ${pickText('$11::text[]', r2)}`;
  const R = Array.from({ length: 41 }, (_, k) => `${u(k)} AS r${k}`).join(',\n          ');
  return sql`
INSERT INTO case_record (case_no, version, community_code, district_code, city_code, item_code, channel, status,
                         applicant, form_data, filed_at, handling_node, item, query_code_hash, lifecycle, updated_at)
SELECT
  f.community || to_char(${shDay('f.filed_at')}, 'YYYYMMDD') || '97' || lpad(f.i::text, 7, '0'),
  1 + (f.accepted_at IS NOT NULL)::int + 2 * jsonb_array_length(f.steps) + jsonb_array_length(f.hand_offs)
    + (f.decided_at IS NOT NULL)::int + (f.delivered_at IS NOT NULL)::int + (f.rating_at IS NOT NULL)::int
    + (f.warning IS NOT NULL)::int + (f.rejected_at IS NOT NULL)::int + (f.withdrawn_at IS NOT NULL)::int
    + 2 * (f.pause_days > 0)::int + (f.open_pause IS NOT NULL)::int,
  f.community, f.district, $9::text, f.item_code,
  CASE WHEN f.r30 < 0.55 THEN 'window' WHEN f.r30 < 0.8 THEN 'online' WHEN f.r30 < 0.95 THEN 'wechat' ELSE 'qr' END,
  f.status,
  jsonb_build_object(
    'name', ${pickText('$10::text[]', 'f.r31')} || '*',
    'idNumber', left(f.district, 6) || '********' || lpad(floor(f.r32 * 10000)::text, 4, '0'),
    'phone', '13' || floor(f.r33 * 10)::text || '****' || lpad(floor(f.r34 * 10000)::text, 4, '0')),
  jsonb_build_object(
    'address', f.community_name || (1 + floor(f.r35 * 30))::int || '号楼' || (1 + floor(f.r36 * 6))::int || '单元',
    'householdSize', 1 + floor(f.r37 * 5)::int,
    'reason', ${pickText('$16::text[]', 'f.r38')}),
  f.filed_at, f.handling_node, f.item, md5(f.i::text || 'q') || md5(f.i::text || 'c'),
  jsonb_build_object(
    'acceptedAt', ${iso('f.accepted_at')},
    'acceptedBy', CASE WHEN f.accepted_at IS NOT NULL THEN f.community END,
    'rejectedAt', ${iso('f.rejected_at')},
    'rejectedReason', CASE WHEN f.rejected_at IS NOT NULL THEN ${pickText('$17::text[]', 'f.r39')} END,
    'pauses', CASE
      WHEN f.open_pause IS NOT NULL THEN jsonb_build_array(f.open_pause)
      WHEN f.pause_days > 0 THEN jsonb_build_array(jsonb_build_object(
        'kind', 'supplement', 'from', ${iso("f.accepted_at + interval '2 hours'")},
        'to', ${iso("f.accepted_at + interval '2 hours' + f.pause_days * interval '1 day'")},
        'reason', '证明材料未加盖出具单位公章', 'materials', jsonb_build_array('家庭收入证明')))
      ELSE '[]'::jsonb END,
    'steps', f.steps,
    'handOffs', f.hand_offs,
    'decidedAt', ${iso('f.decided_at')},
    'decidedBy', CASE WHEN f.decided_at IS NOT NULL THEN f.decider END,
    'outcome', CASE WHEN f.decided_at IS NULL THEN NULL WHEN f.r40 < 0.93 THEN 'approved' ELSE 'not-approved' END,
    'result', CASE WHEN f.decided_at IS NULL THEN NULL WHEN f.promised_days = 0 THEN '即办件：受理即办结'
                   WHEN f.r40 < 0.93 THEN '经审核，符合条件，准予办理' ELSE '经审核，不符合条件，不予批准' END,
    'timing', CASE WHEN f.decided_at IS NOT NULL AND f.r29 >= 0.005 THEN jsonb_build_object(
        'promisedDeadline', f.promised_deadline::text, 'legalDeadline', f.legal_deadline::text,
        'decidedOn', f.decided_on::text,
        'workingDaysUsed', greatest(0, round(((f.decided_on - f.accepted_on) - f.pause_days) * 5 / 7.0))::int,
        'completion', CASE WHEN f.decided_on < f.promised_deadline THEN 'ahead'
                           WHEN f.decided_on = f.promised_deadline THEN 'on-time' ELSE 'overdue' END,
        'calendarVersion', 1) END,
    'deliveredAt', ${iso('f.delivered_at')},
    'deliveryMethod', CASE WHEN f.delivered_at IS NOT NULL THEN
      (ARRAY['window', 'window', 'sms', 'electronic', 'mail'])[1 + floor(f.r28 * 5)::int] END,
    'withdrawnAt', ${iso('f.withdrawn_at')},
    'withdrawnReason', CASE WHEN f.withdrawn_at IS NOT NULL THEN '申请人需重新准备材料，申请撤回后再次提交' END,
    'rating', CASE WHEN f.rating_at IS NOT NULL THEN jsonb_build_object(
        'score', f.score, 'comment', CASE WHEN f.score >= 4 THEN '流程清楚，不用来回跑' WHEN f.score = 3 THEN ''
                                          ELSE '补交材料跑了两趟，一次性告知不到位' END,
        'at', ${iso('f.rating_at')}) END,
    'rectification', CASE WHEN f.rating_at IS NOT NULL AND f.score <= 2 THEN 'open' END,
    'warning', f.warning,
    'supervisions', '[]'::jsonb),
  greatest(f.filed_at, f.accepted_at, f.rejected_at, f.withdrawn_at, f.decided_at, f.delivered_at, f.rating_at,
           (f.warning->>'at')::timestamptz)
FROM (
  SELECT e.*,
    CASE WHEN e.status IN ('accepted', 'supplement', 'special-procedure', 'suspended')
           AND e.handed_up THEN e.district ELSE e.community END AS handling_node,
    -- steps: undertake at the community, review and approve at the decider
    CASE
      WHEN e.decided_at IS NOT NULL AND e.promised_days > 0 THEN jsonb_build_array(
        jsonb_build_object('step', 'undertake', 'node', e.community, 'officer', ${officer('e.r21', 'e.r22')},
          'startedAt', ${iso('e.accepted_at + (e.decided_at - e.accepted_at) * 0.05')},
          'endedAt', ${iso('e.accepted_at + (e.decided_at - e.accepted_at) * 0.3')}, 'opinion', '材料齐全，情况属实'),
        jsonb_build_object('step', 'review', 'node', e.decider, 'officer', ${officer('e.r23', 'e.r22')},
          'startedAt', ${iso('e.accepted_at + (e.decided_at - e.accepted_at) * 0.5')},
          'endedAt', ${iso('e.accepted_at + (e.decided_at - e.accepted_at) * 0.8')}, 'opinion', '同意'),
        jsonb_build_object('step', 'approve', 'node', e.decider, 'officer', ${officer('e.r24', 'e.r21')},
          'startedAt', ${iso('e.accepted_at + (e.decided_at - e.accepted_at) * 0.85')},
          'endedAt', ${iso('e.accepted_at + (e.decided_at - e.accepted_at) * 0.95')}, 'opinion', '准予'))
      WHEN e.status = 'accepted' AND e.r25 < 0.6 THEN jsonb_build_array(
        jsonb_build_object('step', 'undertake', 'node', e.community, 'officer', ${officer('e.r21', 'e.r22')},
          'startedAt', ${iso("e.accepted_at + interval '20 minutes'")}, 'endedAt', NULL, 'opinion', NULL))
      ELSE '[]'::jsonb END AS steps,
    CASE
      WHEN e.decided_at IS NOT NULL AND e.deciding_tier = 'district' THEN jsonb_build_array(jsonb_build_object(
        'from', e.community, 'to', e.district, 'at', ${iso('e.accepted_at + (e.decided_at - e.accepted_at) * 0.4')}))
      WHEN e.decided_at IS NOT NULL AND e.deciding_tier = 'city' THEN jsonb_build_array(
        jsonb_build_object('from', e.community, 'to', e.district,
          'at', ${iso('e.accepted_at + (e.decided_at - e.accepted_at) * 0.35')}),
        jsonb_build_object('from', e.district, 'to', $9::text,
          'at', ${iso('e.accepted_at + (e.decided_at - e.accepted_at) * 0.45')}))
      WHEN e.handed_up THEN jsonb_build_array(jsonb_build_object(
        'from', e.community, 'to', e.district, 'at', ${iso("e.accepted_at + interval '3 hours'")}))
      ELSE '[]'::jsonb END AS hand_offs,
    CASE WHEN e.status IN ('supplement', 'special-procedure', 'suspended') THEN jsonb_build_object(
        'kind', CASE e.status WHEN 'supplement' THEN 'supplement' WHEN 'suspended' THEN 'suspension'
                              ELSE 'special-procedure' END,
        'from', ${iso("least(e.accepted_at + interval '1 day', e.now_ts - interval '1 minute')")}, 'to', NULL,
        'reason', '需不动产登记部门出具家庭成员名下房产查询结果')
      END AS open_pause,
    -- the warning clock's last word: open cases (3 % not measured yet), and what it said before a decision
    CASE
      WHEN e.status IN ('accepted', 'supplement', 'special-procedure', 'suspended') AND e.r26 >= 0.03 THEN
        jsonb_build_object(
          'level', CASE WHEN e.today > e.promised_deadline THEN 'red'
                        WHEN round((e.promised_deadline - e.today) * 5 / 7.0) <= greatest(1, 0.2 * e.promised_days)
                          THEN 'yellow' ELSE 'green' END,
          'legalBreached', e.today > e.legal_deadline,
          'promisedDeadline', e.promised_deadline::text, 'legalDeadline', e.legal_deadline::text,
          'workingDaysLeft', round((e.promised_deadline - e.today) * 5 / 7.0)::int, 'calendarVersion', 1,
          'at', ${iso("greatest(e.accepted_at, e.now_ts - e.r27 * interval '1 day')")})
      WHEN e.decided_at IS NOT NULL AND e.promised_days > 0 THEN
        jsonb_build_object(
          'level', CASE WHEN e.decided_on > e.promised_deadline THEN 'red' ELSE 'green' END,
          'legalBreached', e.decided_on > e.legal_deadline,
          'promisedDeadline', e.promised_deadline::text, 'legalDeadline', e.legal_deadline::text,
          'workingDaysLeft', round((e.promised_deadline - e.decided_on) * 5 / 7.0)::int, 'calendarVersion', 1,
          'at', ${iso("greatest(e.accepted_at, e.decided_at - interval '1 day')")})
    END AS warning
  FROM (
    SELECT d.*,
      CASE WHEN d.decided_at IS NOT NULL THEN ${shDay('d.decided_at')} END AS decided_on,
      CASE
        WHEN d.category = 'open' THEN d.open_status
        WHEN d.decided_at IS NULL THEN d.status0
        WHEN d.delivered_at IS NULL THEN 'decided'
        ELSE 'delivered' END AS status,
      CASE WHEN d.rating_at0 <= d.now_ts THEN d.rating_at0 END AS rating_at
    FROM (
      SELECT c.*,
        c.accepted_on + c.promised_cal + c.pause_days AS promised_deadline,
        c.accepted_on + c.legal_cal + c.pause_days AS legal_deadline,
        CASE c.deciding_tier WHEN 'community' THEN c.community WHEN 'district' THEN c.district ELSE $9::text END
          AS decider,
        c.category = 'open' AND c.deciding_tier <> 'community' AND c.r13 < 0.6 AS handed_up,
        dd.decided_at,
        CASE WHEN dd.decided_at + c.delivery_lag <= c.now_ts THEN dd.decided_at + c.delivery_lag END AS delivered_at,
        CASE
          WHEN dd.decided_at + c.delivery_lag <= c.now_ts AND c.r17 < 0.6 THEN dd.decided_at + c.delivery_lag + c.r18 * interval '2 days'
          WHEN c.rejected_at IS NOT NULL AND c.r17 < 0.1 THEN c.rejected_at + c.r18 * interval '1 day'
        END AS rating_at0,
        CASE WHEN c.rejected_at IS NOT NULL THEN
               CASE WHEN c.r19 < 0.3 THEN 1 WHEN c.r19 < 0.6 THEN 2 ELSE 3 END
             WHEN c.r19 < 0.56 THEN 5 WHEN c.r19 < 0.88 THEN 4 WHEN c.r19 < 0.94 THEN 3 WHEN c.r19 < 0.98 THEN 2
             ELSE 1 END AS score
      FROM (
        SELECT b.*,
          CASE WHEN b.status0 IN ('accepted', 'decided') THEN least(b.now_ts - interval '20 seconds', b.filed_at +
            CASE WHEN b.promised_days = 0 THEN (2 + b.r9 * 18) * interval '1 minute'
                 WHEN b.r9 < 0.7 THEN (5 + b.r10 * 80) * interval '1 minute'
                 ELSE (1 + b.r10 * 1.5) * interval '1 day' END) END AS accepted_at,
          CASE WHEN b.status0 = 'rejected' THEN least(b.now_ts - interval '10 seconds',
            b.filed_at + (10 + b.r9 * 1400) * interval '1 minute') END AS rejected_at,
          CASE WHEN b.status0 = 'withdrawn' THEN least(b.now_ts - interval '10 seconds',
            b.filed_at + (1 + b.r9 * 47) * interval '1 hour') END AS withdrawn_at,
          CASE WHEN b.status0 = 'decided' AND b.promised_days > 0 AND b.r11 < 0.12 THEN 1 + floor(b.r12 * 4)::int
               ELSE 0 END AS pause_days,
          CASE WHEN b.promised_days = 0 THEN (1 + b.r16 * 10) * interval '1 minute'
               ELSE b.r16 * interval '3 days' END AS delivery_lag,
          CASE WHEN b.r13 < 0.85 THEN 'accepted' WHEN b.r13 < 0.93 THEN 'supplement'
               WHEN b.r13 < 0.96 THEN 'special-procedure' ELSE 'suspended' END AS open_status
        FROM (
          SELECT a.*,
            CASE
              WHEN a.category = 'open' THEN 'accepted'
              WHEN a.category IN ('rejected', 'withdrawn') THEN a.category
              WHEN a.now_ts - a.filed_at < interval '2 days' AND a.r8 < 0.35 THEN 'submitted'
              ELSE 'decided' END AS status0
          FROM (
            SELECT s.*,
              least(s.now_ts - (1 + floor(s.r7 * 120)) * interval '1 minute',
                    ${at('s.filed_on', '8.5 + s.r6 * 9')}) AS filed_at
            FROM (
              SELECT t.*,
                -- mostly working days: 4 of 5 weekend filings move to a working day of the days before
                t.today - t.age - CASE WHEN extract(isodow FROM t.today - t.age) >= 6 AND t.r5 < 0.8
                                       THEN extract(isodow FROM t.today - t.age)::int - 5 + floor(t.r5 * 6.25)::int
                                       ELSE 0 END AS filed_on
              FROM (
                SELECT it.*,
                  CASE WHEN it.category = 'open' THEN
                         CASE WHEN it.r4 < 0.9 THEN floor(it.r3 * (it.promised_cal + 1))::int
                              ELSE it.promised_cal + 1 + floor(it.r3 * 120)::int END
                       ELSE floor(it.r3 * 365)::int END AS age
                FROM (
                  SELECT x.*,
                    ($15::text[])[x.ii + 1] AS item_code,
                    $4::jsonb -> x.ii AS item,
                    ($12::int[])[x.ii + 1] AS promised_days,
                    ceil(($12::int[])[x.ii + 1] * 7 / 5.0)::int AS promised_cal,
                    ceil(($13::int[])[x.ii + 1] * 7 / 5.0)::int AS legal_cal,
                    ($14::text[])[x.ii + 1] AS deciding_tier,
                    CASE WHEN ($12::int[])[x.ii + 1] > 0 AND x.r2 < 0.075 THEN 'open'
                         WHEN x.r2 < 0.115 THEN 'rejected' WHEN x.r2 < 0.125 THEN 'withdrawn'
                         ELSE 'done' END AS category
                  FROM (
                    SELECT w.*, ($6::text[])[w.ci] AS community, ($7::text[])[w.ci] AS district,
                           ($8::text[])[w.ci] AS community_name,
                           ($5::int[])[(w.ci - 1) * 1000 + 1 + floor(w.r1 * 1000)::int] AS ii
                    FROM (
                      SELECT g.i, $3::timestamptz AS now_ts, ($3::timestamptz AT TIME ZONE '${TZ}')::date AS today,
                        CASE WHEN ${u(100)} < ($18::float8[])[1] THEN 1 WHEN ${u(100)} < ($18::float8[])[2] THEN 2
                             WHEN ${u(100)} < ($18::float8[])[3] THEN 3 ELSE 4 END AS ci,
                        ${R}
                      FROM generate_series($1::int, $2::int) AS g(i)
                      OFFSET 0
                    ) w
                    OFFSET 0
                  ) x
                  OFFSET 0
                ) it
                OFFSET 0
              ) t
              OFFSET 0
            ) s
            OFFSET 0
          ) a
          OFFSET 0
        ) b
        OFFSET 0
      ) c
      LEFT JOIN LATERAL (
        SELECT CASE
          WHEN c.accepted_at IS NULL OR c.status0 <> 'decided' THEN NULL
          WHEN c.promised_days = 0 THEN c.accepted_at
          ELSE least(c.now_ts - interval '5 seconds', greatest(c.accepted_at + interval '5 minutes',
            ${at(
              `CASE WHEN c.r14 < 0.72 THEN c.accepted_on + floor(c.r15 * (c.promised_cal + c.pause_days))::int
                    WHEN c.r14 < 0.90 THEN c.accepted_on + c.promised_cal + c.pause_days
                    ELSE c.accepted_on + c.promised_cal + c.pause_days + 1 + floor(c.r15 * 8)::int END`,
              '9 + c.r20 * 8',
            )}))
          END AS decided_at
      ) dd ON true
      OFFSET 0
    ) d
    OFFSET 0
  ) e
  OFFSET 0
) f`
    .replace(/c\.accepted_on/g, `(${shDay('c.accepted_at')})`)
    .replace(/e\.accepted_on/g, `(${shDay('e.accepted_at')})`)
    .replace(/f\.accepted_on/g, `(${shDay('f.accepted_at')})`);
}

/** The parameters of insertSql() but the row range and the instant. */
function loadParameters(fed) {
  const { items, communities, cityCode } = fed;
  // 1000 slots per community: the index of an item, in proportion to its weight among the items it serves
  const slots = [];
  for (const c of communities) {
    const served = items.map((it, i) => ({
      i,
      w: it.owner === cityCode || it.owner === c.district ? it.weight : 0,
    }));
    const total = served.reduce((s, x) => s + x.w, 0);
    let acc = 0;
    let k = 0;
    for (const x of served) {
      acc += x.w;
      const until = Math.round((acc / total) * 1000);
      for (; k < until; k++) slots.push(x.i);
    }
  }
  const weights = COMMUNITY_WEIGHTS.slice(0, communities.length);
  const sum = weights.reduce((s, w) => s + w, 0);
  let acc = 0;
  const cumulative = weights.map((w) => (acc += w / sum));
  return {
    items: JSON.stringify(items.map((it) => it.terms)),
    slots,
    communityCodes: communities.map((c) => c.code),
    districtCodes: communities.map((c) => c.district),
    communityNames: communities.map((c) => c.name),
    cityCode,
    promised: items.map((it) => it.terms.promisedDays),
    legal: items.map((it) => it.terms.legalDays),
    tiers: items.map((it) => it.terms.decidingTier),
    codes: items.map((it) => it.terms.code),
    cumulative,
  };
}

/** The federation as the loader sees it: communities with their district, the catalog's items with weights. */
function federationOf(nodes, catalog, demoItems) {
  const city = nodes.find((n) => n.tier === 'city');
  const communities = nodes
    .filter((n) => n.tier === 'community')
    .map((n) => ({ code: n.code, name: n.name, district: n.parent }));
  if (communities.length > COMMUNITY_WEIGHTS.length) throw new Error('stats: more communities than weights');
  const weightOf = new Map(demoItems.map((d) => [d.itemCode, d.weight]));
  const terms = (it) => ({
    code: it.code,
    version: 1,
    name: it.name,
    department: it.department,
    decidingTier: it.decidingTier,
    promisedDays: it.promisedDays,
    legalDays: it.legalDays,
  });
  const items = [
    ...catalog.city.map((it) => ({ owner: city.code, terms: terms(it), weight: weightOf.get(it.code) ?? 1 })),
    ...Object.entries(catalog.districts).flatMap(([owner, list]) =>
      list.map((it) => ({ owner, terms: terms(it), weight: weightOf.get(it.code) ?? 1 })),
    ),
  ];
  return { city, cityCode: city.code, communities, items };
}

function triggerTimes(plan) {
  const out = {};
  for (const t of plan.Triggers ?? []) out[t['Trigger Name']] = { ms: t.Time, calls: t.Calls };
  return out;
}

async function loadCases(db, fed, count, { round, log, assertRunning = () => {} }) {
  const p = loadParameters(fed);
  const text = `EXPLAIN (ANALYZE, FORMAT JSON) ${insertSql()}`;
  const loadNow = new Date();
  const before = await db.query(
    `SELECT (SELECT count(*) FROM case_record)::int AS cases, (SELECT count(*) FROM stats_daily)::int AS daily`,
  );
  // The generator is one big expression per row: JIT-compiling it takes LLVM minutes, uninterruptibly.
  await db.query('SET jit = off');
  const chunks = [];
  const t0 = now();
  for (let first = 1; first <= count; first += CHUNK) {
    assertRunning();
    const last = Math.min(count, first + CHUNK - 1);
    const c0 = now();
    const { rows } = await db.query(text, [
      first,
      last,
      loadNow,
      p.items,
      p.slots,
      p.communityCodes,
      p.districtCodes,
      p.communityNames,
      p.cityCode,
      SURNAMES,
      GIVEN,
      p.promised,
      p.legal,
      p.tiers,
      p.codes,
      REASONS,
      REJECT_REASONS,
      p.cumulative,
    ]);
    const seconds = (now() - c0) / 1000;
    const plan = rows[0]['QUERY PLAN'][0];
    const triggers = triggerTimes(plan);
    const trig = (name) => triggers[name]?.ms ?? 0;
    const chunk = {
      rows: last - first + 1,
      seconds: round(seconds, 2),
      executionMs: round(plan['Execution Time'], 0),
      deriveTriggerMs: round(trig('tr_case_record_derive'), 0),
      statsTriggerMs: round(trig('tr_case_record_stats_insert'), 0),
      triggers,
    };
    chunks.push(chunk);
    log(
      `stats: loaded ${last.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} cases ` +
        `(chunk ${chunk.seconds} s: statistics trigger ${round(chunk.statsTriggerMs / 1000, 1)} s, ` +
        `row trigger ${round(chunk.deriveTriggerMs / 1000, 1)} s)`,
    );
  }
  const seconds = (now() - t0) / 1000;
  const v0 = now();
  await db.query('VACUUM (ANALYZE) case_record');
  await db.query('VACUUM (ANALYZE) stats_daily');
  await db.query('VACUUM (ANALYZE) stats_open');
  const vacuumSeconds = (now() - v0) / 1000;
  await db.query('RESET jit'); // the queries that follow run as the server is configured
  const { rows: after } = await db.query(`
    SELECT (SELECT count(*) FROM case_record)::int AS cases,
           (SELECT count(*) FROM case_record WHERE status IN ('accepted', 'supplement', 'special-procedure', 'suspended'))::int AS open,
           (SELECT count(*) FROM stats_daily)::int AS daily, (SELECT count(*) FROM stats_open)::int AS open_rows,
           pg_total_relation_size('case_record') AS case_bytes, pg_relation_size('case_record') AS case_heap_bytes,
           pg_total_relation_size('stats_daily') AS daily_bytes,
           (SELECT avg(pg_column_size(lifecycle))::int FROM (SELECT lifecycle FROM case_record TABLESAMPLE SYSTEM (1)) s)
             AS lifecycle_bytes`);
  const statusMix = await db.query(
    `SELECT status, count(*)::int AS n FROM case_record WHERE substr(case_no, 21, 2) = '97' AND length(case_no) = 29
     GROUP BY 1 ORDER BY 2 DESC`,
  );
  const levels = await db.query(
    `SELECT coalesce(warning_level, 'none') AS level, count(*)::int AS n FROM case_record
     WHERE status IN ('accepted', 'supplement', 'special-procedure', 'suspended') GROUP BY 1 ORDER BY 2 DESC`,
  );
  const a = after[0];
  const sum = (k) => chunks.reduce((s, c) => s + c[k], 0);
  return {
    cases: count,
    chunkRows: CHUNK,
    seconds: round(seconds, 1),
    rowsPerSecond: round(count / seconds, 0),
    statsTriggerSeconds: round(sum('statsTriggerMs') / 1000, 1),
    deriveTriggerSeconds: round(sum('deriveTriggerMs') / 1000, 1),
    vacuumAnalyzeSeconds: round(vacuumSeconds, 1),
    casesBefore: before.rows[0].cases,
    casesAfter: a.cases,
    openCases: a.open,
    statsDailyRowsBefore: before.rows[0].daily,
    statsDailyRows: a.daily,
    statsOpenRows: a.open_rows,
    caseRecordMiB: round(Number(a.case_bytes) / 2 ** 20, 0),
    caseRecordHeapMiB: round(Number(a.case_heap_bytes) / 2 ** 20, 0),
    statsDailyMiB: round(Number(a.daily_bytes) / 2 ** 20, 1),
    meanLifecycleBytes: a.lifecycle_bytes,
    statusMix: Object.fromEntries(statusMix.rows.map((r) => [r.status, r.n])),
    openByWarningLevel: Object.fromEntries(levels.rows.map((r) => [r.level, r.n])),
    loadedAt: loadNow.toISOString(),
    chunks,
  };
}

// ---------------------------------------------------------------------------------------------
// 2. the API queries, 3. the naive baseline

const shanghaiToday = (d = new Date()) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(d);
function addDays(iso, n) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function monthOf(iso) {
  const first = `${iso.slice(0, 7)}-01`;
  const next = addDays(first, 31);
  return { from: first, to: addDays(`${next.slice(0, 7)}-01`, -1) };
}

/** The queries a supervisor at the city typically runs, with what the naive baseline compares them with. */
function apiQueries(fed, today) {
  const month = monthOf(today);
  const lastMonth = monthOf(addDays(month.from, -1));
  const year = { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` };
  const community = fed.communities[0].code;
  const from90 = addDays(today, -89);
  const oversightMonth = `communityCode=${community}&filedFrom=${lastMonth.from}&filedTo=${lastMonth.to}&sort=filedAt&order=desc&pageSize=50`;
  return [
    {
      name: 'stats month total',
      path: `/api/v1/stats?period=month&date=${today}`,
      period: month,
      groupBy: 'none',
    },
    {
      name: 'stats year by district',
      path: `/api/v1/stats?period=year&date=${today}&groupBy=district`,
      period: year,
      groupBy: 'district',
    },
    {
      name: 'stats month by community',
      path: `/api/v1/stats?period=month&date=${today}&groupBy=community`,
      period: month,
      groupBy: 'community',
    },
    {
      name: 'stats year by item',
      path: `/api/v1/stats?period=year&date=${today}&groupBy=item`,
      period: year,
      groupBy: 'item',
    },
    {
      name: 'stats 90 days by department',
      path: `/api/v1/stats?period=custom&from=${from90}&to=${today}&groupBy=department`,
      period: { from: from90, to: today },
      groupBy: 'department',
    },
    {
      name: 'stats year by decidedBy',
      path: `/api/v1/stats?period=year&date=${today}&groupBy=decidedBy`,
      period: year,
      groupBy: 'decidedBy',
    },
    {
      name: 'oversight open overdue by deadline',
      path: '/api/v1/oversight/cases?status=open&overdue=true&sort=promisedDeadline&order=asc&pageSize=50',
      oversight: {
        status: 'open',
        overdue: true,
        sort: 'promised_deadline',
        order: 'ASC',
        limit: 50,
        offset: 0,
      },
    },
    {
      name: `oversight community month p.1`,
      path: `/api/v1/oversight/cases?${oversightMonth}&page=1`,
      oversight: {
        community,
        from: lastMonth.from,
        to: lastMonth.to,
        sort: 'filed_at',
        order: 'DESC',
        limit: 50,
        offset: 0,
      },
    },
    {
      name: `oversight community month p.20`,
      path: `/api/v1/oversight/cases?${oversightMonth}&page=20`,
      oversight: {
        community,
        from: lastMonth.from,
        to: lastMonth.to,
        sort: 'filed_at',
        order: 'DESC',
        limit: 50,
        offset: 950,
      },
    },
  ];
}

async function measureApi(get, q, reps, summarize, round) {
  let last = null;
  for (let i = 0; i < API_WARMUP; i++) last = await get(q.path);
  if (last.status !== 200)
    throw new Error(`stats: GET ${q.path}: HTTP ${last.status} ${last.body.slice(0, 300)}`);
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t0 = now();
    const res = await get(q.path);
    ms.push(now() - t0);
    if (res.status !== 200)
      throw new Error(`stats: GET ${q.path}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
    last = res;
  }
  const body = JSON.parse(last.body);
  const s = summarize(ms);
  return {
    name: q.name,
    path: q.path,
    repetitions: reps,
    p50: round(s.p50, 1),
    p95: round(s.p95, 1),
    max: round(s.max, 1),
    mean: round(s.mean, 1),
    responseBytes: Buffer.byteLength(last.body),
    ...(body.groups !== undefined
      ? {
          groups: body.groups.length,
          totalReceived: body.total.received,
          totalOpen: body.total.open?.cases ?? null,
        }
      : { total: body.total, items: body.items.length }),
    body,
  };
}

const OPEN = `status IN ('accepted', 'supplement', 'special-procedure', 'suspended')`;

/**
 * One query computing from case_record alone, by jsonb extraction, the figures GET /api/v1/stats
 * returns for [from, to] grouped by `key`: what stats_daily_rows() and stats_open_rows() count,
 * day by day in Asia/Shanghai, the open figures of now included. Written with care: the lifecycle
 * is decompressed once per case (jsonb_to_record), not once per field (each `lifecycle->...` would
 * decompress it again: 5× slower), and each day is computed once per case, not once per aggregate
 * (OFFSET 0: measured faster than the parallel plan the planner picks without it, on 2 cores).
 */
function naiveSql(key) {
  const inPeriod = (day) => `${day} BETWEEN $1::date AND $2::date`;
  const A = inPeriod('v.accepted_on');
  const D = inPeriod('v.decided_on');
  const R = inPeriod('v.rated_on');
  return `
SELECT v.key,
  count(*) FILTER (WHERE ${inPeriod('v.filed_on')}) AS received,
  count(*) FILTER (WHERE ${A}) AS accepted,
  count(*) FILTER (WHERE v.status = 'rejected' AND ${inPeriod('v.rejected_on')}) AS not_accepted,
  count(*) FILTER (WHERE ${A} AND v.promised_days = 0) AS instant,
  count(*) FILTER (WHERE ${A} AND v.supplement) AS with_supplement,
  coalesce(sum(v.promised_days) FILTER (WHERE ${A}), 0) AS promised_days_sum,
  count(*) FILTER (WHERE ${D}) AS completed,
  count(*) FILTER (WHERE ${D} AND v.completion = 'ahead') AS completed_ahead,
  count(*) FILTER (WHERE ${D} AND v.completion = 'on-time') AS completed_on_time,
  count(*) FILTER (WHERE ${D} AND v.completion = 'overdue') AS completed_overdue,
  count(*) FILTER (WHERE ${D} AND v.completion IS NOT NULL) AS completed_measured,
  coalesce(sum(v.working_days_used) FILTER (WHERE ${D}), 0) AS working_days_used_sum,
  count(*) FILTER (WHERE ${R} AND v.score = 1) AS rated_1,
  count(*) FILTER (WHERE ${R} AND v.score = 2) AS rated_2,
  count(*) FILTER (WHERE ${R} AND v.score = 3) AS rated_3,
  count(*) FILTER (WHERE ${R} AND v.score = 4) AS rated_4,
  count(*) FILTER (WHERE ${R} AND v.score = 5) AS rated_5,
  count(*) FILTER (WHERE v.open) AS open_cases,
  count(*) FILTER (WHERE v.open AND v.level = 'red') AS open_red,
  count(*) FILTER (WHERE v.open AND v.level = 'yellow') AS open_yellow,
  count(*) FILTER (WHERE v.open AND v.legal_breached) AS open_legal_breached,
  count(*) FILTER (WHERE v.rectification = 'open') AS rectifications_open
FROM (
  SELECT ${key} AS key, c.status, c.status IN ('accepted', 'supplement', 'special-procedure', 'suspended') AS open,
    (c.filed_at AT TIME ZONE 'Asia/Shanghai')::date AS filed_on,
    (l."acceptedAt" AT TIME ZONE 'Asia/Shanghai')::date AS accepted_on,
    ((coalesce(l."rejectedAt", c.updated_at::text))::timestamptz AT TIME ZONE 'Asia/Shanghai')::date AS rejected_on,
    CASE WHEN l."decidedAt" IS NOT NULL THEN
      coalesce((l.timing->>'decidedOn')::date, (l."decidedAt" AT TIME ZONE 'Asia/Shanghai')::date) END AS decided_on,
    CASE WHEN jsonb_typeof(l.rating) = 'object' THEN
      ((l.rating->>'at')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date END AS rated_on,
    (l.rating->>'score')::int AS score,
    (c.item->>'promisedDays')::int AS promised_days,
    jsonb_path_exists(l.pauses, '$[*] ? (@.kind == "supplement")') AS supplement,
    l.timing->>'completion' AS completion,
    (l.timing->>'workingDaysUsed')::int AS working_days_used,
    l.warning->>'level' AS level,
    coalesce((l.warning->>'legalBreached')::boolean, false) AS legal_breached,
    l.rectification
  FROM case_record c
  CROSS JOIN LATERAL jsonb_to_record(c.lifecycle) AS l("acceptedAt" timestamptz, "rejectedAt" text,
    "decidedAt" timestamptz, timing jsonb, rating jsonb, pauses jsonb, warning jsonb, rectification text)
  OFFSET 0
) v
GROUP BY 1 ORDER BY 1`;
}

/** The naive counterpart of an API query: the same figures, from case_record, in one statement. */
const NAIVE_KEY = {
  none: `''`,
  district: 'c.district_code',
  community: 'c.community_code',
  item: 'c.item_code',
};

async function measureNaive(db, q, summarize, round) {
  const text = naiveSql(NAIVE_KEY[q.groupBy]);
  const params = [q.period.from, q.period.to];
  let rows = (await db.query(text, params)).rows; // warm-up (and hint bits)
  const ms = [];
  for (let i = 0; i < NAIVE_REPS; i++) {
    const t0 = now();
    rows = (await db.query(text, params)).rows;
    ms.push(now() - t0);
  }
  const s = summarize(ms);
  return {
    name: `naive: ${q.name}`,
    sql: text.trim(),
    params,
    repetitions: NAIVE_REPS,
    p50: round(s.p50, 0),
    p95: round(s.p95, 0),
    max: round(s.max, 0),
    rows,
  };
}

/** Per group: the figures of the API against the naive ones; a list of differences (empty: consistent). */
function crossCheck(apiBody, naiveRows) {
  const n = (x) => Number(x ?? 0);
  const fromNaive = (r) => ({
    received: n(r.received),
    accepted: n(r.accepted),
    notAccepted: n(r.not_accepted),
    completed: n(r.completed),
    completedAhead: n(r.completed_ahead),
    completedOnTime: n(r.completed_on_time),
    completedOverdue: n(r.completed_overdue),
    completedUnmeasured: n(r.completed) - n(r.completed_measured),
    rated: [1, 2, 3, 4, 5].map((k) => n(r[`rated_${k}`])).join('/'),
    openCases: n(r.open_cases),
    openRed: n(r.open_red),
    openYellow: n(r.open_yellow),
    openLegalBreached: n(r.open_legal_breached),
    rectifications: n(r.rectifications_open),
  });
  const fromApi = (g) => ({
    received: g.received,
    accepted: g.accepted,
    notAccepted: g.notAccepted,
    completed: g.completed,
    completedAhead: g.completedAhead,
    completedOnTime: g.completedOnTime,
    completedOverdue: g.completedOverdue,
    completedUnmeasured: g.completedUnmeasured,
    rated: ['1', '2', '3', '4', '5'].map((k) => g.satisfaction[k]).join('/'),
    openCases: g.open?.cases ?? 0,
    openRed: g.open?.overdue ?? 0,
    openYellow: g.open?.yellow ?? 0,
    openLegalBreached: g.open?.legalBreached ?? 0,
    rectifications: g.open?.rectifications ?? 0,
  });
  const api = new Map(
    apiBody.groupBy === 'none'
      ? [['', fromApi(apiBody.total)]]
      : apiBody.groups.map((g) => [g.key, fromApi(g)]),
  );
  const naive = new Map(naiveRows.map((r) => [r.key, fromNaive(r)]));
  const diffs = [];
  for (const key of new Set([...api.keys(), ...naive.keys()])) {
    const a = api.get(key);
    const b = naive.get(key);
    // a group with nothing in the period nor open shows up in the naive query only
    const empty = (f) => Object.values(f).every((v) => v === 0 || v === '0/0/0/0/0');
    if (!a && b && empty(b)) continue;
    for (const field of Object.keys(a ?? b)) {
      if ((a?.[field] ?? null) !== (b?.[field] ?? null))
        diffs.push(`${key || 'total'} ${field}: api ${a?.[field] ?? '—'} naive ${b?.[field] ?? '—'}`);
    }
  }
  return diffs;
}

// ---------------------------------------------------------------------------------------------
// 4. plans of the SQL behind the API (as libs/cases/src/stats/*.repository.ts writes it)

function periodSql(key) {
  // The counters the statistics migration keeps (built into dist/ by npm run bench).
  const counters = require(
    path.join(
      __dirname,
      '..',
      'dist',
      'libs',
      'persistence',
      'src',
      'migrations',
      '1764400000001-compliance-statistics',
    ),
  ).DAILY_COUNTERS;
  return `SELECT ${key} AS key, ${counters.map((c) => `sum(${c}) AS ${c}`).join(', ')}
FROM stats_daily WHERE day BETWEEN $1::date AND $2::date GROUP BY 1 ORDER BY 1`;
}

/**
 * The page and count statements of OversightRepository for `o`, and a variant of the page that
 * differs in one respect (`variant` says which) to show what that respect costs.
 */
function oversightSql(o) {
  const community = `WHERE community_code = $1 AND filed_at >= ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai')
         AND filed_at < (($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;
  // status=open and overdue=true each add the open condition
  const overdue = `WHERE ${OPEN} AND ${OPEN} AND warning_level = 'red'`;
  const where = o.community ? community : overdue;
  const params = o.community ? [o.community, o.from, o.to] : [];
  const page = (
    w,
    order,
  ) => `SELECT case_no, version, community_code, district_code, city_code, item_code, channel,
       status, applicant, form_data, filed_at, handling_node, item, query_code_hash, lifecycle, updated_at
FROM case_record ${w}
ORDER BY ${order} LIMIT ${o.limit} OFFSET ${o.offset}`;
  const asIs = `${o.sort} ${o.order} NULLS LAST, case_no ${o.order}`;
  return {
    page: { text: page(where, asIs), params },
    count: { text: `SELECT count(*)::int AS n FROM case_record ${where}`, params },
    variant: o.community
      ? {
          what: 'ORDER BY without NULLS LAST (filed_at is NOT NULL: same rows, the order of the index)',
          text: page(where, `${o.sort} ${o.order}, case_no ${o.order}`),
          params,
        }
      : {
          what: 'the open condition once',
          text: page(`WHERE ${OPEN} AND warning_level = 'red'`, asIs),
          params,
        },
  };
}

/** EXPLAIN (ANALYZE, BUFFERS), optionally with settings local to its transaction. */
async function explain(db, text, params, settings = []) {
  await db.query('BEGIN');
  try {
    for (const s of settings) await db.query(`SET LOCAL ${s}`);
    // the second run: the plan of a warm cache, as the measured requests see it
    await db.query(`EXPLAIN (ANALYZE) ${text}`, params);
    const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1]);
    return { ms, plan };
  } finally {
    await db.query('COMMIT');
  }
}

/** Plans of the SQL behind the API, and of variants that show where the time goes. */
async function plans(db, queries) {
  const out = {};
  for (const q of queries) {
    if (q.oversight) {
      const s = oversightSql(q.oversight);
      out[q.name] = {
        page: await explain(db, s.page.text, s.page.params),
        count: await explain(db, s.count.text, s.count.params),
        variant: { what: s.variant.what, ...(await explain(db, s.variant.text, s.variant.params)) },
      };
    } else if (q.groupBy === 'district' || q.groupBy === 'item') {
      const period = [q.period.from, q.period.to];
      out[q.name] = {
        period: await explain(db, periodSql(`${q.groupBy}_code`), period),
        variant: {
          what: 'max_parallel_workers_per_gather = 0',
          ...(await explain(db, periodSql(`${q.groupBy}_code`), period, [
            'max_parallel_workers_per_gather = 0',
          ])),
        },
      };
    }
  }
  // how many rows a year query adds up, and how many a table by month would hold instead
  const year = queries.find((q) => q.name === 'stats year by district').period;
  const { rows } = await db.query(
    `SELECT count(*)::int AS daily,
            count(DISTINCT (date_trunc('month', day), district_code, community_code, item_code, department,
                            deciding_tier, accepted_by, decided_by))::int AS monthly
     FROM stats_daily WHERE day BETWEEN $1::date AND $2::date`,
    [year.from, year.to],
  );
  out.yearRows = { statsDaily: rows[0].daily, sameKeysByMonth: rows[0].monthly };
  return out;
}

// ---------------------------------------------------------------------------------------------
// the phase

/**
 * @param {object} ctx   bench context: federation.nodes, httpGet(node, path)
 * @param {{ statsCases: number, statsReps: number }} opts
 * @param {object} h     helpers of run.js: log, summarize, round, readDemoCatalog, demoItems, pg
 */
async function statsBenchmark(ctx, opts, h) {
  if (opts.statsCases > MAX_CASES) throw new Error(`--stats-cases must be at most ${MAX_CASES}`);
  const fed = federationOf(ctx.federation.nodes, h.readDemoCatalog(), h.demoItems);
  const db = new h.pg.Client({ connectionString: fed.city.databaseUrl, application_name: 'fed-bench-stats' });
  db.on('error', (e) => h.log(`stats database: ${e.message}`));
  await db.connect();
  const loadAverage = () => os.loadavg().map((x) => h.round(x, 2));
  const loadAverageAtStart = loadAverage();
  try {
    h.log(
      `stats: loading ${opts.statsCases.toLocaleString('en-US')} cases into the city's database (${fed.city.database})`,
    );
    const load = await loadCases(db, fed, opts.statsCases, h);
    h.log(
      `stats: loaded ${load.cases.toLocaleString('en-US')} cases in ${load.seconds} s (${load.rowsPerSecond}/s); ` +
        `VACUUM ANALYZE ${load.vacuumAnalyzeSeconds} s; case_record ${load.caseRecordMiB} MiB, stats_daily ${load.statsDailyRows} rows`,
    );
    const today = shanghaiToday();
    const queries = apiQueries(fed, today);
    const get = (p) => ctx.httpGet(fed.city, p);
    const api = [];
    for (const q of queries) {
      h.assertRunning?.();
      const m = await measureApi(get, q, opts.statsReps, h.summarize, h.round);
      h.log(`stats: ${q.name}: p50 ${m.p50} ms p95 ${m.p95} ms max ${m.max} ms`);
      api.push(m);
    }
    const naive = [];
    for (const name of ['stats year by district', 'stats month by community']) {
      h.assertRunning?.();
      const q = queries.find((x) => x.name === name);
      const m = await measureNaive(db, q, h.summarize, h.round);
      const a = api.find((x) => x.name === name);
      const diffs = crossCheck(a.body, m.rows);
      h.log(
        `stats: ${m.name}: p50 ${m.p50} ms p95 ${m.p95} ms; API p95 ${a.p95} ms: ${h.round(m.p95 / a.p95, 0)}×; ` +
          (diffs.length
            ? `figures DIFFER (${diffs.length}): ${diffs.slice(0, 3).join('; ')}`
            : 'same figures'),
      );
      naive.push({
        ...m,
        versus: name,
        apiP95: a.p95,
        speedup: h.round(m.p95 / a.p95, 1),
        sameFigures: diffs.length === 0,
        differences: diffs.slice(0, 20),
        rows: m.rows.length,
      });
    }
    const explained = await plans(db, queries);
    for (const a of api) delete a.body;
    const worst = Math.max(...api.map((a) => a.p95));
    const minSpeedup = Math.min(...naive.map((n) => n.speedup));
    return {
      today,
      // the machine may be shared: the 1/5/15-minute load averages when the phase started and ended
      loadAverage: { atStart: loadAverageAtStart, atEnd: loadAverage(), cores: os.cpus().length },
      load,
      api,
      naive,
      targets: { p95Ms: TARGET_P95_MS, speedup: TARGET_SPEEDUP },
      verdict: {
        worstApiP95: worst,
        p95: worst < TARGET_P95_MS ? 'PASS' : 'MISS',
        minSpeedup,
        speedup: minSpeedup >= TARGET_SPEEDUP ? 'PASS' : 'MISS',
        figuresConsistent: naive.every((n) => n.sameFigures),
      },
      plans: explained,
    };
  } finally {
    await db.end().catch(() => undefined);
  }
}

/** The table section of the report. */
function statsReportLines(s, { table, fmtMs, fmtInt }) {
  const l = s.load;
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  const rows = s.api.map((a) => [
    a.name,
    fmtMs(a.p50),
    fmtMs(a.p95),
    fmtMs(a.max),
    `< ${s.targets.p95Ms} ms`,
    verdict(a.p95 < s.targets.p95Ms),
  ]);
  for (const n of s.naive) {
    rows.push([n.name, fmtMs(n.p50), fmtMs(n.p95), fmtMs(n.max), '', '']);
    rows.push([
      `  speed-up (naive p95 / API p95)`,
      '',
      `${n.speedup}×`,
      '',
      `≥ ${s.targets.speedup}×`,
      verdict(n.speedup >= s.targets.speedup),
    ]);
  }
  const mix = Object.entries(l.statusMix)
    .map(([k, v]) => `${k} ${fmtInt(v)}`)
    .join(', ');
  const levels = Object.entries(l.openByWarningLevel)
    .map(([k, v]) => `${k} ${fmtInt(v)}`)
    .join(', ');
  return [
    `Query benchmark (stats) — ${fmtInt(l.casesAfter)} cases at the city (${fmtInt(l.cases)} loaded), today ${s.today}, ` +
      `${s.api[0]?.repetitions} sequential requests per query after ${API_WARMUP} warm-up, naive ${NAIVE_REPS} after 1; ` +
      `load average ${s.loadAverage.atStart[0]} → ${s.loadAverage.atEnd[0]} on ${s.loadAverage.cores} cores`,
    `load: ${fmtInt(l.cases)} cases in ${l.seconds} s (${fmtInt(l.rowsPerSecond)} rows/s, triggers on: statistics ` +
      `${l.statsTriggerSeconds} s, derived columns ${l.deriveTriggerSeconds} s), VACUUM ANALYZE ${l.vacuumAnalyzeSeconds} s; ` +
      `case_record ${fmtInt(l.caseRecordMiB)} MiB, stats_daily ${fmtInt(l.statsDailyRows)} rows, stats_open ${fmtInt(l.statsOpenRows)} rows`,
    `  loaded: ${mix}; open by warning level: ${levels}`,
    '',
    table(['query (city, HTTP)', 'p50', 'p95', 'max', 'target', ''], rows),
    '',
    `  figures of API and naive query: ${s.naive.map((n) => `${n.versus} ${n.sameFigures ? 'same' : `DIFFER (${n.differences.length})`}`).join(', ')}`,
    '',
    'SQL behind the API, EXPLAIN ANALYZE at the city (warm), and variants:',
    ...Object.entries(s.plans)
      .filter(([, p]) => p.variant)
      .map(
        ([name, p]) =>
          `  ${name}: ${p.period ? `${fmtMs(p.period.ms)}` : `page ${fmtMs(p.page.ms)}, count ${fmtMs(p.count.ms)}`}; ` +
          `${p.variant.what}: ${fmtMs(p.variant.ms)}`,
      ),
    `  stats_daily rows a year query adds up: ${fmtInt(s.plans.yearRows.statsDaily)} (the same keys by month: ${fmtInt(s.plans.yearRows.sameKeysByMonth)})`,
  ];
}

module.exports = {
  statsBenchmark,
  statsReportLines,
  insertSql,
  loadParameters,
  federationOf,
  naiveSql,
  periodSql,
  TARGET_P95_MS,
  TARGET_SPEEDUP,
};

'use strict';
/**
 * Demo data for `npm start`: about 300 cases at the community nodes, each taken through its lifecycle
 * the way the staff of a living federation would — filed (POST /api/v1/cases), accepted or refused,
 * worked in steps, paused for a supplement, a special procedure or a suspension, handed up to the
 * district or the city when they decide the item, decided there, delivered back at the community
 * and rated by the applicant. Every item of the demo catalog (deploy/catalog/demo-catalog.json) that
 * a community serves comes up; every case status comes up.
 *
 * Deterministic: the same applicants, items, officers and lifecycles every time (a seeded PRNG); only
 * case numbers and instants depend on the day. Communities work in parallel; a case waits for a
 * hand-off (the event travels over Kafka) by polling the node it goes to, while the other cases go on.
 */

const { httpRequest, sleep, stderrLog } = require('../infra/util');
const { readDemoCatalog } = require('../infra/catalog');

const TOTAL_CASES = 300;
/** Requests one node serves at once from the seed: actions, and hand-off polls. */
const ACTIONS_PER_NODE = 4;
const POLLS_PER_NODE = 2;
const POLL_STEP_MS = 100;
const HAND_OFF_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 15_000;

/** @typedef {'community' | 'district' | 'city'} Tier */

/**
 * An item of the demo catalog (deploy/catalog/demo-catalog.json).
 * @typedef {object} CatalogItem
 * @property {string} code
 * @property {string} name
 * @property {string} department
 * @property {Tier} decidingTier
 * @property {number} promisedDays  0: an instant case (即办件)
 * @property {string[]} materials
 */

/**
 * How the demo files and decides cases of one service item.
 * @typedef {object} DemoItem
 * @property {string} itemCode
 * @property {string} name
 * @property {number} weight  how often it comes up, relative to the others
 * @property {{ minAge?: number, maxAge?: number, sex?: 'male' | 'female' }} [who] the usual applicant
 * @property {(rnd: () => number, applicant: Applicant, community: { name: string }) => Record<string, unknown>} formData
 * @property {(rnd: () => number, formData: Record<string, any>) => string} [approved] the decision's result
 * @property {string[]} [notApproved] results of a refusal on the merits
 * @property {string[]} [rejectReasons] 不予受理 reasons particular to the item
 * @property {{ kind: 'hearing' | 'expert-review' | 'testing' | 'extension', reason: string, limitDays: number }} [special]
 */

/**
 * @typedef {object} Applicant
 * @property {string} name
 * @property {string} idNumber
 * @property {string} phone
 */

const YEAR = new Date().getUTCFullYear();
const pad2 = (/** @type {number} */ n) => String(n).padStart(2, '0');
/** A date of `year` (month 1–12, day 1–28) as YYYY-MM-DD. */
const dateIn = (/** @type {() => number} */ rnd, /** @type {number} */ year) =>
  `${year}-${pad2(1 + Math.floor(rnd() * 12))}-${pad2(1 + Math.floor(rnd() * 28))}`;
const building = (/** @type {() => number} */ rnd, /** @type {{ name: string }} */ c) =>
  `${c.name}${1 + Math.floor(rnd() * 30)}号楼${1 + Math.floor(rnd() * 6)}单元${1 + Math.floor(rnd() * 6)}0${1 + Math.floor(rnd() * 2)}室`;
const birthDateOf = (/** @type {Applicant} */ a) =>
  `${a.idNumber.slice(6, 10)}-${a.idNumber.slice(10, 12)}-${a.idNumber.slice(12, 14)}`;
const HOSPITALS = ['包头市中心医院', '包头医学院第一附属医院', '包头医学院第二附属医院', '内蒙古包钢医院'];
const BANKS = ['内蒙古农村信用社', '包商银行', '中国工商银行包头分行', '中国建设银行包头分行'];
const EDUCATION = ['初中', '高中', '中专', '大专', '本科'];

/** Service items the demo files cases for (实施编码 of the demo catalog), with their usual forms. */
const DEMO_ITEMS = /** @type {DemoItem[]} */ ([
  {
    itemCode: '150200-MZ-001',
    name: '最低生活保障',
    weight: 5,
    formData: (rnd, _a, c) => ({
      householdSize: 1 + Math.floor(rnd() * 5),
      monthlyIncomePerCapita: 300 + Math.floor(rnd() * 50) * 10,
      address: `${c.name}${1 + Math.floor(rnd() * 30)}号楼${1 + Math.floor(rnd() * 6)}单元`,
      reason: pick(rnd, ['家庭成员患重病，医疗支出大', '失业无固定收入', '因残导致家庭收入低于当地低保标准']),
    }),
    approved: (_rnd, f) =>
      `经审核，符合最低生活保障条件，核定保障人口${f.householdSize}人，自次月起按月发放最低生活保障金`,
    notApproved: [
      '经入户调查和家庭经济状况核对，家庭人均月收入高于本市城市最低生活保障标准，不符合保障条件',
      '经核对，家庭成员名下有机动车辆一台，家庭财产状况不符合最低生活保障条件',
    ],
    rejectReasons: ['申请人家庭已享受最低生活保障待遇，不得重复申请'],
    special: { kind: 'hearing', reason: '组织民主评议，评议结果在社区公示栏公示7天', limitDays: 7 },
  },
  {
    itemCode: '150200-MZ-002',
    name: '临时救助',
    weight: 3,
    formData: (rnd) => ({
      householdSize: 1 + Math.floor(rnd() * 4),
      emergency: pick(rnd, ['突发重大疾病', '火灾导致基本生活困难', '家庭主要劳动力意外死亡']),
      requestedAmount: 1000 + Math.floor(rnd() * 40) * 100,
    }),
    approved: (_rnd, f) =>
      `经审核，符合临时救助条件，给予一次性临时救助金${Math.min(f.requestedAmount, 3000)}元，发放至本人银行账户`,
    notApproved: ['经核实，医疗费用已由基本医疗保险和大病保险报销，家庭基本生活未陷入困境，不予救助'],
  },
  {
    itemCode: '150200-MZ-003',
    name: '高龄津贴',
    weight: 3,
    who: { minAge: 80 },
    formData: (_rnd, a) => ({
      birthDate: birthDateOf(a),
      bankName: '内蒙古农村信用社',
    }),
    approved: () => '经审核，符合高龄津贴发放条件，自次月起按月发放至本人银行卡',
    notApproved: ['经核实，申请人已在原户籍地领取高龄津贴，不予重复发放'],
    rejectReasons: ['申请人户籍不在本社区，应向户籍所在地社区申请'],
  },
  {
    itemCode: '150200-MZ-004',
    name: '老年人优待证',
    weight: 3,
    who: { minAge: 60 },
    formData: (rnd, a) => ({
      birthDate: birthDateOf(a),
      photo: '近期免冠照片一张（现场采集）',
      pickup: pick(rnd, ['窗口领取', '窗口领取', '邮寄到家']),
    }),
    rejectReasons: ['申请人未满60周岁，不符合老年人优待证办理条件'],
  },
  {
    itemCode: '150200-MZ-005',
    name: '特困人员救助供养',
    weight: 1,
    who: { minAge: 60 },
    formData: (rnd, _a, c) => ({
      supportType: pick(rnd, ['分散供养', '分散供养', '集中供养']),
      incapacity: pick(rnd, ['年满60周岁且无劳动能力', '一级肢体残疾', '患重病丧失劳动能力']),
      livingArrangement: pick(rnd, ['独居', '与亲属同住']),
      address: building(rnd, c),
    }),
    approved: (rnd) =>
      `经审核，符合特困人员认定条件，纳入${pick(rnd, ['分散', '集中'])}供养，自次月起发放基本生活费和照料护理费`,
    notApproved: ['经核实，申请人有法定赡养义务人且其具备赡养能力，不符合特困人员认定条件'],
    special: { kind: 'expert-review', reason: '委托第三方机构开展生活自理能力评估', limitDays: 10 },
  },
  {
    itemCode: '150200-CL-001',
    name: '困难残疾人生活补贴和重度残疾人护理补贴',
    weight: 2,
    formData: (rnd) => ({
      disabilityCertificateNo: `1502${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`,
      disabilityLevel: pick(rnd, ['一级', '二级', '三级']),
      disabilityType: pick(rnd, ['肢体', '视力', '听力', '智力']),
    }),
    approved: (_rnd, f) =>
      f.disabilityLevel === '三级'
        ? '经审核，符合困难残疾人生活补贴条件，自次月起按月发放'
        : '经审核，符合困难残疾人生活补贴和重度残疾人护理补贴条件，自次月起按月发放',
    notApproved: ['经核实，申请人家庭不属于低保家庭，且残疾等级为三级，不符合两项补贴条件'],
  },
  {
    itemCode: '150200-CL-002',
    name: '残疾人证办理',
    weight: 1,
    formData: (rnd) => ({
      applicationType: pick(rnd, ['新办', '新办', '换领', '等级变更']),
      disabilityType: pick(rnd, ['肢体', '视力', '听力', '言语', '智力', '精神']),
      assessmentHospital: pick(rnd, HOSPITALS),
    }),
    approved: (_rnd, f) => `经评定为${f.disabilityType}残疾，准予核发第二代残疾人证，请到社区窗口领取`,
    notApproved: ['经指定医疗机构评定，未达到残疾评定标准，不予核发残疾人证'],
    special: { kind: 'expert-review', reason: '残疾等级评定需指定医疗机构专家复核', limitDays: 15 },
  },
  {
    itemCode: '150200-RS-001',
    name: '就业失业登记',
    weight: 3,
    who: { maxAge: 59 },
    formData: (rnd) => ({
      registrationType: pick(rnd, ['失业登记', '就业登记']),
      lastEmployer: pick(rnd, ['包头钢铁（集团）有限责任公司', '包头市某商贸有限公司', '个体经营']),
      education: pick(rnd, ['高中', '中专', '大专', '本科']),
    }),
    rejectReasons: ['申请人已办理退休手续，不属于就业失业登记范围'],
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
    rejectReasons: ['申请人已参加企业职工基本养老保险，不能重复参加城乡居民基本养老保险'],
  },
  {
    itemCode: '150200-RS-003',
    name: '失业保险金申领',
    weight: 1,
    who: { minAge: 22, maxAge: 59 },
    formData: (rnd) => ({
      lastEmployer: pick(rnd, [
        '包头钢铁（集团）有限责任公司',
        '北方重工集团有限公司',
        '包头市某物流有限公司',
      ]),
      separationDate: dateIn(rnd, YEAR - 1),
      separationReason: pick(rnd, ['劳动合同期满终止', '用人单位经济性裁员', '用人单位依法解除劳动合同']),
      contributionYears: 1 + Math.floor(rnd() * 15),
      bankName: pick(rnd, BANKS),
    }),
    approved: (_rnd, f) =>
      `经审核，符合失业保险金申领条件，核定领取期限${Math.min(24, 12 + Math.floor(f.contributionYears / 5) * 6)}个月，按月发放至本人社会保障卡`,
    notApproved: ['经核实，失业前累计缴纳失业保险费不满1年，不符合领取条件'],
  },
  {
    itemCode: '150200-RS-004',
    name: '灵活就业人员社会保险登记',
    weight: 2,
    who: { maxAge: 59 },
    formData: (rnd) => ({
      occupation: pick(rnd, ['网约车司机', '外卖配送员', '家政服务员', '个体经营', '自由职业']),
      insuranceTypes: ['企业职工基本养老保险', '职工基本医疗保险'],
      contributionBaseRatio: pick(rnd, ['60%', '60%', '80%', '100%']),
    }),
  },
  {
    itemCode: '150200-YB-001',
    name: '城乡居民基本医疗保险参保登记',
    weight: 3,
    formData: (rnd) => ({
      insuredYear: YEAR,
      category: pick(rnd, ['成年居民', '老年居民', '未成年人']),
    }),
  },
  {
    itemCode: '150200-YB-002',
    name: '医疗救助',
    weight: 2,
    formData: (rnd) => {
      const totalCost = 20_000 + Math.floor(rnd() * 160) * 500;
      return {
        hospital: pick(rnd, HOSPITALS),
        diagnosis: pick(rnd, ['冠心病', '脑梗死', '慢性肾功能衰竭', '2型糖尿病并发症', '肺癌']),
        totalCost,
        reimbursed: Math.round(totalCost * (0.5 + rnd() * 0.2)),
        assistanceCategory: pick(rnd, ['低保对象', '特困人员', '低收入家庭成员']),
      };
    },
    approved: (_rnd, f) =>
      `经审核，符合医疗救助条件，核定救助金额${Math.round((f.totalCost - f.reimbursed) * 0.7)}元`,
    notApproved: ['经核实，申请人不属于医疗救助对象范围，不予救助'],
  },
  {
    itemCode: '150200-WJ-001',
    name: '生育登记服务',
    weight: 2,
    who: { minAge: 22, maxAge: 40, sex: 'female' },
    formData: (rnd) => ({
      childOrder: 1 + Math.floor(rnd() * 3),
      expectedDate: `${YEAR + 1}-${pad2(1 + Math.floor(rnd() * 12))}-15`,
      spouseName: pick(rnd, SURNAMES) + pick(rnd, GIVEN_MALE),
    }),
    approved: () => '已完成生育登记，生育服务登记单已发放',
    notApproved: ['夫妻双方信息与婚姻登记信息不一致，暂不予登记'],
  },
  {
    itemCode: '150200-WJ-002',
    name: '计划生育家庭特别扶助金',
    weight: 1,
    who: { minAge: 49, maxAge: 75 },
    formData: (rnd) => ({
      category: pick(rnd, ['独生子女死亡', '独生子女伤残']),
      onlyChildCertificateNo: `独生字第${1980 + Math.floor(rnd() * 20)}${String(Math.floor(rnd() * 1e4)).padStart(4, '0')}号`,
    }),
    approved: (_rnd, f) =>
      `经审核，符合计划生育家庭特别扶助条件（${f.category}），自次月起按月发放特别扶助金`,
    notApproved: ['经核实，申请人女方未满49周岁，暂不符合特别扶助条件'],
  },
  {
    itemCode: '150200-GA-001',
    name: '居住证申领',
    weight: 2,
    who: { maxAge: 60 },
    formData: (rnd, _a, c) => ({
      householdRegistration: pick(rnd, [
        '内蒙古自治区赤峰市',
        '内蒙古自治区乌兰察布市',
        '河北省张家口市',
        '山西省大同市',
        '陕西省榆林市',
      ]),
      residenceAddress: building(rnd, c),
      residenceType: pick(rnd, ['租赁住房', '租赁住房', '自有住房', '单位宿舍']),
      residingSince: dateIn(rnd, YEAR - 1 - Math.floor(rnd() * 3)),
    }),
    approved: () => '经审核，符合居住证申领条件，准予核发居住证，制证完成后到社区窗口领取',
    notApproved: ['经核实，申请人在本市连续居住未满半年，不符合居住证申领条件'],
  },
  {
    itemCode: '150200-GA-002',
    name: '户籍证明开具',
    weight: 2,
    formData: (rnd) => ({
      certificateType: pick(rnd, ['户籍证明', '户籍证明', '亲属关系证明']),
      purpose: pick(rnd, ['子女入学', '办理公证', '银行开户', '办理出入境证件']),
    }),
    rejectReasons: ['申请开具的证明事项不属于户籍证明范围（无犯罪记录证明请向公安机关申请）'],
  },
  {
    itemCode: '150200-TY-001',
    name: '退役军人优待证申领',
    weight: 1,
    who: { minAge: 25, maxAge: 75, sex: 'male' },
    formData: (rnd) => {
      const enlisted = YEAR - 8 - Math.floor(rnd() * 30);
      return {
        serviceBranch: pick(rnd, ['陆军', '海军', '空军', '火箭军', '武警部队']),
        enlistmentYear: enlisted,
        dischargeYear: enlisted + 2 + Math.floor(rnd() * 6),
      };
    },
    approved: () => '经审核，信息与退役军人档案一致，准予核发退役军人优待证',
    notApproved: ['经核实，退役证明信息与档案记载不一致，暂不予核发'],
  },
  {
    itemCode: '150200-ZF-001',
    name: '公共租赁住房资格审核',
    weight: 1,
    formData: (rnd) => ({
      householdSize: 1 + Math.floor(rnd() * 4),
      monthlyIncomePerCapita: 900 + Math.floor(rnd() * 100) * 10,
      currentHousing: pick(rnd, ['无自有住房，租住私房', '人均住房建筑面积低于15平方米']),
      preferredDistrict: pick(rnd, ['东河区', '青山区', '昆都仑区', '九原区']),
    }),
    approved: () => '经审核，符合公共租赁住房保障条件，纳入轮候库，轮候顺序号另行通知',
    notApproved: ['经不动产登记信息核查，家庭成员名下有住房，不符合公共租赁住房保障条件'],
    special: { kind: 'extension', reason: '集中申报期申请量大，经负责人批准延长审核期限', limitDays: 10 },
  },
  {
    itemCode: '150200-ZF-002',
    name: '住房租赁补贴',
    weight: 1,
    formData: (rnd, _a, c) => ({
      householdSize: 1 + Math.floor(rnd() * 4),
      monthlyRent: 600 + Math.floor(rnd() * 20) * 50,
      rentalAddress: building(rnd, c),
      leaseTerm: pick(rnd, ['1年', '2年', '3年']),
    }),
    approved: (_rnd, f) =>
      `经审核，符合住房租赁补贴条件，核定月补贴${Math.min(f.monthlyRent, 200 + f.householdSize * 100)}元，自次月起发放`,
    notApproved: ['经核实，家庭人均收入高于本市住房保障收入线，不予批准'],
  },
  {
    itemCode: '150200-SC-001',
    name: '个体工商户登记',
    weight: 1.5,
    who: { minAge: 20, maxAge: 65 },
    formData: (rnd, a, c) => {
      const trade = pick(rnd, ['便利店', '五金店', '理发店', '水果店', '裁缝店', '修车铺']);
      return {
        businessName: `${a.name.slice(0, 1)}记${trade}`,
        businessScope:
          trade === '理发店' ? '理发服务' : trade === '修车铺' ? '自行车、电动车维修' : '日用百货零售',
        premises: `${c.name}临街商铺${1 + Math.floor(rnd() * 40)}号`,
        capitalYuan: pick(rnd, [10_000, 30_000, 50_000, 100_000]),
      };
    },
    approved: (_rnd, f) => `准予个体工商户登记（${f.businessName}），核发营业执照`,
    notApproved: ['经营场所为住宅，未提交有利害关系的业主同意证明，不予登记'],
  },
  {
    itemCode: '150200-SC-002',
    name: '食品经营许可（小餐饮）',
    weight: 1,
    who: { minAge: 22, maxAge: 60 },
    formData: (rnd, a, c) => ({
      businessName: `${a.name.slice(0, 1)}家${pick(rnd, ['烧麦馆', '面馆', '饺子馆', '羊杂碎', '包子铺'])}`,
      category: pick(rnd, ['热食类食品制售', '热食类食品制售', '糕点类食品制售（不含裱花）']),
      premises: `${c.name}临街商铺${1 + Math.floor(rnd() * 40)}号`,
      areaSqm: 20 + Math.floor(rnd() * 60),
      staffCount: 1 + Math.floor(rnd() * 5),
    }),
    approved: (_rnd, f) => `经现场核查，符合小餐饮经营条件，准予许可（${f.category}），核发食品经营许可证`,
    notApproved: ['经现场核查，加工操作间面积不足且无独立排烟设施，不予许可'],
    special: { kind: 'testing', reason: '经营场所现场核查及生活饮用水水质检测', limitDays: 5 },
  },
  {
    itemCode: '150202-MZ-101',
    name: '东河区困难群众冬季取暖补贴',
    weight: 2,
    formData: (rnd, _a, c) => ({
      category: pick(rnd, ['低保户', '低保户', '特困人员', '低收入家庭']),
      heating: pick(rnd, ['集中供热', '集中供热', '自采暖（燃煤）', '自采暖（电）']),
      heatedAreaSqm: 40 + Math.floor(rnd() * 40),
      address: building(rnd, c),
    }),
    approved: (_rnd, f) =>
      `经审核，符合冬季取暖补贴条件，核定补贴${f.heating === '集中供热' ? Math.round(f.heatedAreaSqm * 25) : 1500}元，于11月底前发放`,
    notApproved: ['经核实，申请人已享受单位发放的取暖补贴，不予重复发放'],
  },
  {
    itemCode: '150202-JS-101',
    name: '东河区老旧小区加装电梯申请',
    weight: 0.8,
    who: { minAge: 40 },
    formData: (rnd, _a, c) => {
      const households = 12 + Math.floor(rnd() * 3) * 2;
      return {
        building: `${c.name}${1 + Math.floor(rnd() * 30)}号楼${1 + Math.floor(rnd() * 6)}单元`,
        floors: pick(rnd, [6, 6, 7]),
        households,
        consentingHouseholds: households - Math.floor(rnd() * 3),
        fundingPlan: '政府补贴与业主按楼层分摊',
      };
    },
    approved: () => '经审核，加装电梯方案可行，同意加装，纳入本年度既有住宅加装电梯财政补贴计划',
    notApproved: ['经现场勘察，加装位置占用消防通道，方案不予通过，请调整后重新申请'],
    special: {
      kind: 'expert-review',
      reason: '组织规划、结构、消防专家对加装方案进行联合评审',
      limitDays: 20,
    },
  },
  {
    itemCode: '150204-MZ-101',
    name: '青山区独居老人关爱服务登记',
    weight: 2,
    who: { minAge: 70 },
    formData: (rnd) => ({
      emergencyContact: pick(rnd, SURNAMES) + pick(rnd, rnd() < 0.5 ? GIVEN_MALE : GIVEN_FEMALE),
      emergencyContactRelation: pick(rnd, ['儿子', '女儿', '侄子', '邻居']),
      emergencyContactPhone: pick(rnd, MOBILE_PREFIXES) + String(Math.floor(rnd() * 1e8)).padStart(8, '0'),
      health: pick(rnd, ['基本健康', '高血压', '糖尿病', '行动不便']),
      needs: pick(rnd, ['定期探访', '助餐服务', '安装紧急呼叫设备']),
    }),
    approved: () => '已登记入册，纳入社区独居老人定期探访名单，网格员每周上门探访一次',
    notApproved: ['经核实，申请人与子女共同居住，不属于独居老人，不予登记'],
  },
  {
    itemCode: '150204-RS-101',
    name: '青山区公益性岗位申请',
    weight: 1.5,
    who: { minAge: 40, maxAge: 59 },
    formData: (rnd) => ({
      difficultyCategory: pick(rnd, ['大龄失业人员', '零就业家庭成员', '低保家庭成员', '残疾人']),
      preferredPost: pick(rnd, ['社区保洁', '治安巡逻', '公园管护', '社区协管员']),
      education: pick(rnd, EDUCATION),
    }),
    approved: (_rnd, f) => `经审核，符合公益性岗位安置条件，安排至${f.preferredPost}岗位，签订劳动合同后上岗`,
    notApproved: ['经核实，申请人不属于就业困难人员，不予安置'],
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
 * @template {{ weight: number }} T
 * @param {() => number} rnd
 * @param {readonly T[]} items
 * @returns {T}
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
 * A shuffled copy of `list` (Fisher–Yates).
 * @template T
 * @param {() => number} rnd
 * @param {readonly T[]} list
 * @returns {T[]}
 */
function shuffle(rnd, list) {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
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
 * A form for a catalog item the demo has no particular builder for.
 * @param {CatalogItem} terms
 * @returns {DemoItem}
 */
function genericItem(terms) {
  return {
    itemCode: terms.code,
    name: terms.name,
    weight: 1,
    formData: (rnd, _a, c) => ({
      address: building(rnd, c),
      materialsProvided: terms.materials,
      remark: '申请人到社区窗口现场申请',
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Staff and what they write
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {{ window: string[], undertake: string[], review: string[], approve: string[] }} Staff
 */

/**
 * The staff of a node: window clerks (受理, 送达), the officer who undertakes a case (承办), who
 * reviews it (审核) and who approves it (批准). The same names on every run.
 * @param {string} code node code
 * @returns {Staff}
 */
function staffOf(code) {
  const rnd = prng(Number(code.replace(/\D/g, '').slice(-9)) || 1);
  /** @type {Set<string>} */
  const names = new Set();
  while (names.size < 6) names.add(pick(rnd, SURNAMES) + pick(rnd, rnd() < 0.5 ? GIVEN_MALE : GIVEN_FEMALE));
  const [a, b, c, d, e, f] = names;
  return { window: [a, b], undertake: [c, d], review: [e], approve: [f] };
}

const GENERIC_REJECT_REASONS = [
  '申请人户籍不在本社区，应向户籍所在地社区提出申请',
  '申请人所持居民身份证已过有效期，请换领后重新申请',
  '申请事项不属于本中心受理范围，已告知申请人向有权机关申请',
  '申请人经一次性告知后仍未能提供申请条件所需的基本材料',
];
const WITHDRAW_REASONS = [
  '申请人家庭经济状况好转，主动申请撤回',
  '申请人已在其他街道提出同一申请，申请撤回本件',
  '申请人因工作调动离开本市，申请撤回',
  '申请人需重新准备材料，申请撤回后再次提交',
];
const SUPPLEMENT_NOTES = [
  '材料复印件不清晰，请补交原件核验',
  '证明材料未加盖出具单位公章',
  '缺少共同生活家庭成员的相关证明',
  '申请表所填信息与证明材料不一致，请补正',
];
const RECEIVE_NOTES = ['补正材料已收齐，经核验无误', '申请人已现场补交原件，核验一致'];
const SUSPEND_REASONS = [
  '申请人户籍信息与公安人口信息不一致，待公安机关核实',
  '需不动产登记部门出具家庭成员名下房产查询结果',
  '申请人住院治疗，暂无法配合入户调查',
  '涉及财产纠纷诉讼，待法院判决后继续办理',
];
const RESUME_NOTES = [
  '核实结果已反馈，恢复办理',
  '申请人已出院，入户调查已完成',
  '相关部门查询结果已出具，恢复办理',
];
const END_SPECIAL_NOTES = {
  hearing: '民主评议和公示已结束，公示期内无异议',
  'expert-review': '专家评审意见已出具',
  testing: '现场核查和检测已完成，结果符合要求',
  extension: '延长期限内核查完成，恢复办理',
};
const RATING_COMMENTS = /** @type {Record<number, string[]>} */ ({
  5: ['工作人员态度热情，一次就办好了', '流程清楚，不用来回跑，非常满意', '社区工作人员主动上门帮忙，很贴心'],
  4: ['办理比较顺利，就是排队时间有点长', '整体满意，希望办理进度能及时短信通知', ''],
  3: ['办结时间比预期的长', ''],
  2: ['补交材料跑了两趟，一次性告知不到位'],
  1: ['等了很久也没人告知进度，电话打不通', '窗口工作人员态度生硬，解释不清楚'],
});
const SCORES = [
  { score: 5, weight: 56 },
  { score: 4, weight: 32 },
  { score: 3, weight: 6 },
  { score: 2, weight: 4 },
  { score: 1, weight: 2 },
];

/**
 * What one demo case is about, for the builders of its actions.
 * @typedef {object} CaseContext
 * @property {DemoItem} item
 * @property {CatalogItem} terms
 * @property {Record<string, any>} formData
 * @property {Record<Tier, Staff>} staff
 * @property {string} districtName
 */

/** @typedef {[action: string, body: Record<string, unknown>]} Action */
/** @typedef {{ at: Tier, actions: Action[] }} Leg */

/**
 * The actions of one case, each with a realistic body; `tier` is where it is taken.
 * @param {() => number} rnd
 * @param {CaseContext} cx
 */
function actionsFor(rnd, cx) {
  const officer = (/** @type {Tier} */ tier, /** @type {keyof Staff} */ role) =>
    pick(rnd, cx.staff[tier][role]);
  const special = cx.item.special ?? {
    kind: /** @type {const} */ ('extension'),
    reason: '需跨部门核查申请人家庭经济状况，经负责人批准延长办理期限',
    limitDays: 10,
  };
  const dept = cx.terms.department;
  const districtDept = dept.replace(/^包头市/, cx.districtName);
  return {
    accept: () => /** @type {Action} */ (['accept', { officer: officer('community', 'window') }]),
    reject: () =>
      /** @type {Action} */ ([
        'reject',
        {
          officer: officer('community', 'window'),
          reason: pick(rnd, [...(cx.item.rejectReasons ?? []), ...GENERIC_REJECT_REASONS]),
        },
      ]),
    withdraw: (/** @type {Tier} */ tier) =>
      /** @type {Action} */ ([
        'withdraw',
        { officer: officer(tier, 'window'), reason: pick(rnd, WITHDRAW_REASONS) },
      ]),
    requestSupplement: (/** @type {Tier} */ tier) => {
      const materials = cx.terms.materials.filter(() => rnd() < 0.4);
      if (!materials.length) materials.push(pick(rnd, cx.terms.materials));
      return /** @type {Action} */ ([
        'request-supplement',
        { officer: officer(tier, 'undertake'), materials, note: pick(rnd, SUPPLEMENT_NOTES) },
      ]);
    },
    receiveSupplement: (/** @type {Tier} */ tier) =>
      /** @type {Action} */ ([
        'receive-supplement',
        { officer: officer(tier, 'undertake'), note: pick(rnd, RECEIVE_NOTES) },
      ]),
    startSpecial: (/** @type {Tier} */ tier) =>
      /** @type {Action} */ (['start-special-procedure', { officer: officer(tier, 'review'), ...special }]),
    endSpecial: (/** @type {Tier} */ tier) =>
      /** @type {Action} */ ([
        'end-special-procedure',
        { officer: officer(tier, 'review'), note: END_SPECIAL_NOTES[special.kind] },
      ]),
    suspend: (/** @type {Tier} */ tier) =>
      /** @type {Action} */ ([
        'suspend',
        { officer: officer(tier, 'review'), reason: pick(rnd, SUSPEND_REASONS) },
      ]),
    resume: (/** @type {Tier} */ tier) =>
      /** @type {Action} */ (['resume', { officer: officer(tier, 'review'), note: pick(rnd, RESUME_NOTES) }]),
    startStep: (/** @type {Tier} */ tier, /** @type {'undertake' | 'review' | 'approve'} */ step) =>
      /** @type {Action} */ (['start-step', { officer: officer(tier, step), step }]),
    /** A step taken from start to end, with the officer's opinion. */
    step: (
      /** @type {Tier} */ tier,
      /** @type {'undertake' | 'review' | 'approve'} */ step,
      approve = true,
    ) => {
      const who = officer(tier, step);
      let opinion;
      if (step === 'undertake')
        opinion =
          tier === 'community' && cx.terms.decidingTier !== 'community'
            ? pick(rnd, [
                '社区初审：经入户核实，家庭情况与申报一致，材料齐全',
                '社区初审：申请材料齐全，情况属实',
              ])
            : approve
              ? '材料齐全，符合条件，拟同意'
              : '经核查，不符合条件，拟不予批准';
      else if (step === 'review')
        opinion = approve ? '经审核，材料真实有效，同意承办意见' : '经审核，同意承办意见，不予批准';
      else opinion = approve ? '同意' : '同意，不予批准';
      return /** @type {Action[]} */ ([
        ['start-step', { officer: who, step }],
        ['end-step', { officer: who, step, opinion }],
      ]);
    },
    decide: (/** @type {Tier} */ tier, approve = true) =>
      /** @type {Action} */ ([
        'decide',
        approve
          ? {
              officer: officer(tier, 'approve'),
              outcome: 'approved',
              result: cx.item.approved
                ? cx.item.approved(rnd, cx.formData)
                : `经审核，准予办理${cx.terms.name}`,
            }
          : {
              officer: officer(tier, 'approve'),
              outcome: 'not-approved',
              result: pick(rnd, cx.item.notApproved ?? [`经审核，不符合${cx.terms.name}条件，不予批准`]),
            },
      ]),
    deliver: () =>
      /** @type {Action} */ ([
        'deliver',
        {
          officer: officer('community', 'window'),
          method:
            cx.terms.promisedDays === 0
              ? 'window'
              : pick(rnd, ['window', 'window', 'window', 'mail', 'electronic', 'sms']),
        },
      ]),
    /** @param {number} [score] */
    rate: (score) => {
      const s = score ?? pickWeighted(rnd, SCORES).score;
      const comment = pick(rnd, RATING_COMMENTS[s]);
      return /** @type {Action} */ (['rate', comment ? { score: s, comment } : { score: s }]);
    },
    /** An applicant unhappy with a refusal. */
    rateUnhappy: () => {
      const s = pick(rnd, [1, 2, 2, 3]);
      return /** @type {Action} */ ([
        'rate',
        { score: s, comment: s === 3 ? '希望窗口能把不予受理的理由讲清楚' : pick(rnd, RATING_COMMENTS[s]) },
      ]);
    },
    handUp: (/** @type {Tier} */ tier) =>
      /** @type {Action} */ ([
        'hand-up',
        {
          officer: officer(tier, tier === 'community' ? 'undertake' : 'review'),
          note:
            tier === 'community'
              ? `社区初审完成，材料齐全，报${districtDept}审核`
              : `${districtDept}审核通过，报${dept}审批`,
        },
      ]),
  };
}

/** @typedef {ReturnType<typeof actionsFor>} Actions */
/** @typedef {{ name: string, weight: number, legs: (a: Actions) => Leg[] }} Scenario */

/**
 * What one node does: single actions and whole steps (an Action[] of start-step and end-step).
 * @param {Tier} at
 * @param {Array<Action | Action[]>} actions
 * @returns {Leg}
 */
function leg(at, actions) {
  /** @type {Action[]} */
  const flat = [];
  for (const a of actions) {
    if (typeof a[0] === 'string') flat.push(/** @type {Action} */ (a));
    else flat.push(.../** @type {Action[]} */ (a));
  }
  return { at, actions: flat };
}
const C = (/** @type {Array<Action | Action[]>} */ ...actions) => leg('community', actions);
const D = (/** @type {Array<Action | Action[]>} */ ...actions) => leg('district', actions);
const T = (/** @type {Array<Action | Action[]>} */ ...actions) => leg('city', actions);

/**
 * The lifecycles the demo takes cases through, by the class of their item: decided at the community
 * (with a time limit), instant (即办件, decided on acceptance), decided by the district, by the city.
 * A leg is what one node does; between legs the case is handed off over Kafka.
 * @type {Record<'community' | 'instant' | 'district' | 'city', Scenario[]>}
 */
const SCENARIOS = {
  community: [
    { name: 'submitted', weight: 3, legs: () => [] },
    { name: 'rejected', weight: 2, legs: (a) => [C(a.reject())] },
    { name: 'withdrawn', weight: 0.8, legs: (a) => [C(a.withdraw('community'))] },
    { name: 'step open', weight: 3, legs: (a) => [C(a.accept(), a.startStep('community', 'undertake'))] },
    { name: 'supplement', weight: 1.5, legs: (a) => [C(a.accept(), a.requestSupplement('community'))] },
    {
      name: 'supplement received',
      weight: 1.2,
      legs: (a) => [
        C(
          a.accept(),
          a.requestSupplement('community'),
          a.receiveSupplement('community'),
          a.startStep('community', 'undertake'),
        ),
      ],
    },
    { name: 'special procedure', weight: 0.7, legs: (a) => [C(a.accept(), a.startSpecial('community'))] },
    {
      name: 'special procedure ended',
      weight: 0.6,
      legs: (a) => [
        C(
          a.accept(),
          a.step('community', 'undertake'),
          a.startSpecial('community'),
          a.endSpecial('community'),
          a.startStep('community', 'review'),
        ),
      ],
    },
    { name: 'suspended', weight: 0.8, legs: (a) => [C(a.accept(), a.suspend('community'))] },
    {
      name: 'resumed',
      weight: 0.7,
      legs: (a) => [
        C(a.accept(), a.suspend('community'), a.resume('community'), a.startStep('community', 'undertake')),
      ],
    },
    {
      name: 'withdrawn after acceptance',
      weight: 0.7,
      legs: (a) => [C(a.accept(), a.startStep('community', 'undertake'), a.withdraw('community'))],
    },
    {
      name: 'decided',
      weight: 1.5,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.step('community', 'review'), a.decide('community')),
      ],
    },
    {
      name: 'delivered',
      weight: 3,
      legs: (a) => [
        C(
          a.accept(),
          a.step('community', 'undertake'),
          a.step('community', 'review'),
          a.decide('community'),
          a.deliver(),
        ),
      ],
    },
    {
      name: 'rated',
      weight: 4,
      legs: (a) => [
        C(
          a.accept(),
          a.step('community', 'undertake'),
          a.step('community', 'review'),
          a.decide('community'),
          a.deliver(),
          a.rate(),
        ),
      ],
    },
    {
      name: 'not approved',
      weight: 1,
      legs: (a) => [
        C(
          a.accept(),
          a.step('community', 'undertake', false),
          a.step('community', 'review', false),
          a.decide('community', false),
          a.deliver(),
        ),
      ],
    },
  ],
  instant: [
    { name: 'submitted', weight: 1, legs: () => [] },
    { name: 'rejected', weight: 1.5, legs: (a) => [C(a.reject())] },
    { name: 'rejected and rated', weight: 0.15, legs: (a) => [C(a.reject(), a.rateUnhappy())] },
    { name: 'withdrawn', weight: 0.4, legs: (a) => [C(a.withdraw('community'))] },
    { name: 'instant decided', weight: 1.5, legs: (a) => [C(a.accept())] },
    { name: 'instant delivered', weight: 4, legs: (a) => [C(a.accept(), a.deliver())] },
    { name: 'instant rated', weight: 5, legs: (a) => [C(a.accept(), a.deliver(), a.rate())] },
  ],
  district: [
    { name: 'submitted', weight: 2, legs: () => [] },
    { name: 'rejected', weight: 1.5, legs: (a) => [C(a.reject())] },
    { name: 'rejected and rated', weight: 0.2, legs: (a) => [C(a.reject(), a.rateUnhappy())] },
    { name: 'withdrawn', weight: 0.5, legs: (a) => [C(a.withdraw('community'))] },
    { name: 'step open', weight: 1.5, legs: (a) => [C(a.accept(), a.startStep('community', 'undertake'))] },
    { name: 'supplement', weight: 1.2, legs: (a) => [C(a.accept(), a.requestSupplement('community'))] },
    {
      name: 'handed up',
      weight: 1.5,
      legs: (a) => [C(a.accept(), a.step('community', 'undertake'), a.handUp('community')), D()],
    },
    {
      name: 'review open at the district',
      weight: 2,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.startStep('district', 'review')),
      ],
    },
    {
      name: 'supplement at the district',
      weight: 1,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.requestSupplement('district')),
      ],
    },
    {
      name: 'supplement received at the district',
      weight: 0.8,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(
          a.requestSupplement('district'),
          a.receiveSupplement('district'),
          a.startStep('district', 'review'),
        ),
      ],
    },
    {
      name: 'special procedure at the district',
      weight: 0.8,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.step('district', 'review'), a.startSpecial('district')),
      ],
    },
    {
      name: 'special procedure ended at the district',
      weight: 0.7,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(
          a.step('district', 'review'),
          a.startSpecial('district'),
          a.endSpecial('district'),
          a.startStep('district', 'approve'),
        ),
      ],
    },
    {
      name: 'suspended at the district',
      weight: 0.8,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.suspend('district')),
      ],
    },
    {
      name: 'resumed at the district',
      weight: 0.6,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.suspend('district'), a.resume('district'), a.startStep('district', 'review')),
      ],
    },
    {
      name: 'withdrawn at the district',
      weight: 0.5,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.withdraw('district')),
      ],
    },
    {
      name: 'decided by the district',
      weight: 1.5,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.step('district', 'review'), a.step('district', 'approve'), a.decide('district')),
        C(),
      ],
    },
    {
      name: 'decided by the district, delivered',
      weight: 2.5,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.step('district', 'review'), a.step('district', 'approve'), a.decide('district')),
        C(a.deliver()),
      ],
    },
    {
      name: 'decided by the district, delivered, rated',
      weight: 3,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.step('district', 'review'), a.step('district', 'approve'), a.decide('district')),
        C(a.deliver(), a.rate()),
      ],
    },
    {
      name: 'not approved by the district, delivered',
      weight: 1,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(
          a.step('district', 'review', false),
          a.step('district', 'approve', false),
          a.decide('district', false),
        ),
        C(a.deliver()),
      ],
    },
  ],
  city: [
    { name: 'submitted', weight: 0.5, legs: () => [] },
    { name: 'supplement', weight: 0.4, legs: (a) => [C(a.accept(), a.requestSupplement('community'))] },
    {
      name: 'review open at the district',
      weight: 1,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.startStep('district', 'review')),
      ],
    },
    {
      name: 'handed up to the city',
      weight: 0.7,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.step('district', 'review'), a.handUp('district')),
        T(),
      ],
    },
    {
      name: 'approval open at the city',
      weight: 1,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.step('district', 'review'), a.handUp('district')),
        T(a.startStep('city', 'approve')),
      ],
    },
    {
      name: 'special procedure at the city',
      weight: 0.4,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.step('district', 'review'), a.handUp('district')),
        T(a.startSpecial('city')),
      ],
    },
    {
      name: 'decided by the city, delivered',
      weight: 1.2,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.step('district', 'review'), a.handUp('district')),
        T(a.step('city', 'approve'), a.decide('city')),
        C(a.deliver()),
      ],
    },
    {
      name: 'decided by the city, delivered, rated',
      weight: 1.2,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.step('district', 'review'), a.handUp('district')),
        T(a.step('city', 'approve'), a.decide('city')),
        C(a.deliver(), a.rate()),
      ],
    },
    {
      name: 'not approved by the city, delivered',
      weight: 0.4,
      legs: (a) => [
        C(a.accept(), a.step('community', 'undertake'), a.handUp('community')),
        D(a.step('district', 'review'), a.handUp('district')),
        T(a.step('city', 'approve', false), a.decide('city', false)),
        C(a.deliver()),
      ],
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// The plan: which case is filed where, and what happens to it
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {object} DemoCase
 * @property {{ code: string, name: string }} community
 * @property {{ itemCode: string, applicant: Applicant, channel: string, formData: Record<string, unknown> }} body
 * @property {Tier} decidingTier of the item
 * @property {string} scenario  name of the lifecycle it is taken through
 * @property {Leg[]} legs       what each node does with it, in order
 */

/**
 * The items a community serves: the city's and its district's, as the demo catalog publishes them.
 * @param {{ city: object[], districts: Record<string, object[]> }} catalog
 * @param {string} districtCode
 * @returns {CatalogItem[]}
 */
function servedItems(catalog, districtCode) {
  return /** @type {CatalogItem[]} */ ([...catalog.city, ...(catalog.districts[districtCode] ?? [])]);
}

/**
 * The demo cases, spread round-robin over the communities; each community files every item it
 * serves at least once, then items by weight. Deterministic for the same communities and catalog.
 * @param {Array<{ code: string, name: string, parent?: string | null }>} communities
 * @param {number} [total]
 * @param {{ cityCode?: string, districtNames?: Record<string, string>, catalog?: { city: object[], districts: Record<string, object[]> } }} [opts]
 *   the city's code and the districts' names (for the officers and the notes), the catalog (default: the demo catalog)
 * @returns {DemoCase[]}
 */
function demoCases(communities, total = TOTAL_CASES, opts = {}) {
  const catalog = opts.catalog ?? readDemoCatalog();
  const rnd = prng(150200);
  const builders = new Map(DEMO_ITEMS.map((item) => [item.itemCode, item]));
  const menus = communities.map((community) => {
    const districtCode = community.parent ?? community.code.slice(0, 6);
    const menu = servedItems(catalog, districtCode).map((terms) => {
      const item = builders.get(terms.code) ?? genericItem(terms);
      return { terms, item, weight: item.weight };
    });
    // every item once, in an order of its own per community
    return { districtCode, menu, firstRound: shuffle(rnd, menu) };
  });
  // every lifecycle of each class of item once (in an order of their own), then lifecycles by weight
  const firstScenarios = /** @type {Record<keyof typeof SCENARIOS, Scenario[]>} */ (
    Object.fromEntries(Object.entries(SCENARIOS).map(([kind, list]) => [kind, shuffle(rnd, list)]))
  );
  const staff = new Map();
  const staffFor = (/** @type {string} */ code) => {
    if (!staff.has(code)) staff.set(code, staffOf(code));
    return staff.get(code);
  };
  return Array.from({ length: total }, (_, i) => {
    const k = i % communities.length;
    const community = communities[k];
    const { districtCode, menu, firstRound } = menus[k];
    const round = Math.floor(i / communities.length);
    const { terms, item } = round < firstRound.length ? firstRound[round] : pickWeighted(rnd, menu);
    const applicant = demoApplicant(rnd, districtCode, item.who);
    const formData = item.formData(rnd, applicant, community);
    const kind =
      terms.promisedDays === 0 && terms.decidingTier === 'community' ? 'instant' : terms.decidingTier;
    const scenario = firstScenarios[kind].pop() ?? pickWeighted(rnd, SCENARIOS[kind]);
    const cx = {
      item,
      terms,
      formData,
      staff: {
        community: staffFor(community.code),
        district: staffFor(districtCode),
        city: staffFor(opts.cityCode ?? '150200'),
      },
      districtName: opts.districtNames?.[districtCode] ?? '区',
    };
    return {
      community,
      body: {
        itemCode: terms.code,
        applicant,
        // an instant case worked on was filed at the window; one still waiting may have come online
        channel: kind === 'instant' && scenario.name !== 'submitted' ? 'window' : pick(rnd, CHANNELS),
        formData,
      },
      decidingTier: terms.decidingTier,
      scenario: scenario.name,
      legs: scenario.legs(actionsFor(rnd, cx)),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Running the plan against the federation
// ---------------------------------------------------------------------------------------------

/**
 * At most `max` calls of `fn` at once; the others queue in order.
 * @param {number} max
 */
function limiter(max) {
  let active = 0;
  /** @type {Array<() => void>} */
  const queue = [];
  /**
   * @template T
   * @param {() => Promise<T>} fn
   * @returns {Promise<T>}
   */
  return async (fn) => {
    if (active < max) active++;
    else await new Promise((resolve) => queue.push(() => resolve(undefined)));
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active--;
    }
  };
}

/** A request the federation refused or did not answer, or a hand-off that did not arrive. */
class SeedStepError extends Error {
  /**
   * @param {string} step the action, 'file' or 'wait'
   * @param {string} message
   */
  constructor(step, message) {
    super(message);
    this.step = step;
  }
}

/**
 * @typedef {{ code: string, name: string, tier: string, url: string, parent?: string | null }} SeedNode
 * @typedef {{ caseNo: string, status: string, handlingNode: string }} CaseState
 */

/**
 * HTTP to the nodes, a few requests per node at a time.
 * @param {SeedNode[]} nodes
 */
function federationClient(nodes) {
  const actLimits = new Map(nodes.map((n) => [n.code, limiter(ACTIONS_PER_NODE)]));
  const pollLimits = new Map(nodes.map((n) => [n.code, limiter(POLLS_PER_NODE)]));
  let actions = 0;
  /**
   * @param {string} step
   * @param {SeedNode} node
   * @param {string} method
   * @param {string} url
   * @param {unknown} [body]
   */
  const send = async (step, node, method, url, body) => {
    // filings come one at a time from each community's clerk: they do not queue behind actions
    const limit =
      step === 'file'
        ? (/** @type {() => Promise<{ status: number, body: string }>} */ fn) => fn()
        : /** @type {ReturnType<typeof limiter>} */ (
            (method === 'GET' ? pollLimits : actLimits).get(node.code)
          );
    try {
      return await limit(() => httpRequest(method, url, { body, timeoutMs: REQUEST_TIMEOUT_MS }));
    } catch (err) {
      throw new SeedStepError(step, `${node.tier} ${node.code}: ${/** @type {Error} */ (err).message}`);
    }
  };
  return {
    get actions() {
      return actions;
    },
    /**
     * Files a case (收件) at a community.
     * @param {SeedNode} community
     * @param {unknown} body
     * @returns {Promise<CaseState>}
     */
    async file(community, body) {
      const res = await send('file', community, 'POST', `${community.url}/api/v1/cases`, body);
      if (res.status !== 201) throw new SeedStepError('file', `HTTP ${res.status} ${res.body.slice(0, 300)}`);
      return JSON.parse(res.body);
    },
    /**
     * One lifecycle action at the node handling the case.
     * @param {SeedNode} node
     * @param {string} caseNo
     * @param {Action} action
     * @returns {Promise<CaseState>}
     */
    async act(node, caseNo, [name, body]) {
      const url = `${node.url}/api/v1/cases/${encodeURIComponent(caseNo)}/actions/${name}`;
      const res = await send(name, node, 'POST', url, body);
      if (res.status !== 201) {
        throw new SeedStepError(
          name,
          `${node.tier} ${node.code}: HTTP ${res.status} ${res.body.slice(0, 300)}`,
        );
      }
      actions++;
      return JSON.parse(res.body).case;
    },
    /**
     * Polls `node` until it handles the case (a hand-off or a decision has reached it over Kafka).
     * @param {SeedNode} node
     * @param {string} caseNo
     * @returns {Promise<CaseState>}
     */
    async waitUntilHandled(node, caseNo) {
      const url = `${node.url}/api/v1/cases/${encodeURIComponent(caseNo)}`;
      const deadline = Date.now() + HAND_OFF_TIMEOUT_MS;
      let last = '';
      for (;;) {
        const res = await send('wait', node, 'GET', url).catch((/** @type {Error} */ err) => ({
          status: 0,
          body: err.message,
        }));
        if (res.status === 200) {
          const view = JSON.parse(res.body);
          if (view.handlingNode === node.code) return view;
          last = `handled by ${view.handlingNode}, status ${view.status}`;
        } else {
          last = `HTTP ${res.status} ${res.body.slice(0, 120)}`;
        }
        if (Date.now() >= deadline) {
          throw new SeedStepError(
            'wait',
            `${node.tier} ${node.code} did not get the case within ${HAND_OFF_TIMEOUT_MS / 1000} s (last: ${last})`,
          );
        }
        await sleep(POLL_STEP_MS);
      }
    },
  };
}

/**
 * Takes one filed case through its legs: the actions of each node, waiting for each hand-off.
 * @param {ReturnType<typeof federationClient>} client
 * @param {Record<Tier, SeedNode | undefined>} route the case's community, district and city nodes
 * @param {CaseState} filed
 * @param {Leg[]} legs
 * @returns {Promise<CaseState>}
 */
async function runLifecycle(client, route, filed, legs) {
  let state = filed;
  let at = /** @type {Tier} */ ('community');
  for (const leg of legs) {
    const node = route[leg.at];
    if (!node) throw new SeedStepError('wait', `no ${leg.at} node above community ${route.community?.code}`);
    if (leg.at !== at) {
      state = await client.waitUntilHandled(node, filed.caseNo);
      at = leg.at;
    }
    for (const action of leg.actions) state = await client.act(node, filed.caseNo, action);
  }
  return state;
}

/**
 * @typedef {object} SeedFailure
 * @property {string} community
 * @property {string} itemCode
 * @property {string} [caseNo]   once filed
 * @property {string} [step]     'file', 'wait' (a hand-off) or the action refused
 * @property {string} error
 */

/**
 * @typedef {object} SeededCase
 * @property {string} caseNo
 * @property {string} community
 * @property {string} itemCode
 * @property {string} scenario
 * @property {string} status        after the last step that succeeded
 * @property {string} handlingNode
 * @property {string} handlingTier
 * @property {boolean} complete     every step of the scenario succeeded
 */

/**
 * Files the demo cases at the community nodes and takes each through its lifecycle. Never throws
 * for a refused request or a hand-off that does not arrive: the case stops there, and the result
 * lists what happened (and a summary is logged); the caller decides whether failures matter.
 * @param {SeedNode[]} nodes from startFederation
 * @param {(message: string) => void} [log]
 * @returns {Promise<{ created: number, failed: SeedFailure[], actions: number, elapsedMs: number,
 *   byStatus: Record<string, number>, byTier: Record<string, number>, cases: SeededCase[] }>}
 */
async function seedDemo(nodes, log = stderrLog('seed')) {
  const started = Date.now();
  const communities = nodes.filter((n) => n.tier === 'community');
  /** @type {SeedFailure[]} */
  const failed = [];
  /** @type {SeededCase[]} */
  const cases = [];
  const empty = { created: 0, failed, actions: 0, elapsedMs: 0, byStatus: {}, byTier: {}, cases };
  if (!communities.length) {
    log('no community nodes: nothing to seed');
    return empty;
  }
  const cityNode = nodes.find((n) => n.tier === 'city');
  /** @type {DemoCase[]} */
  let plan;
  try {
    const districtNames = Object.fromEntries(
      nodes.filter((n) => n.tier === 'district').map((n) => [n.code, n.name]),
    );
    plan = demoCases(communities, TOTAL_CASES, { cityCode: cityNode?.code, districtNames });
  } catch (err) {
    log(`no demo cases: ${/** @type {Error} */ (err).message}`);
    return {
      ...empty,
      failed: [{ community: '', itemCode: '', step: 'plan', error: /** @type {Error} */ (err).message }],
    };
  }
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const client = federationClient(nodes);
  const tierOf = (/** @type {string} */ code) => byCode.get(code)?.tier ?? 'unknown';

  // One clerk per community files its cases one after another (the case numbers follow the plan);
  // each case then goes its own way, so hand-off waits overlap with the filing and with each other.
  await Promise.all(
    communities.map(async (community) => {
      const district = byCode.get(community.parent ?? community.code.slice(0, 6));
      const city = (district?.parent && byCode.get(district.parent)) || cityNode;
      const route = { community, district, city };
      /** @type {Promise<void>[]} */
      const lifecycles = [];
      for (const c of plan.filter((x) => x.community === community)) {
        /** @type {SeedFailure} */
        const failure = { community: community.code, itemCode: c.body.itemCode, error: '' };
        /** @type {CaseState} */
        let filed;
        try {
          filed = await client.file(community, c.body);
        } catch (err) {
          failed.push({ ...failure, step: 'file', error: /** @type {Error} */ (err).message });
          continue;
        }
        /** @type {SeededCase} */
        const seeded = {
          caseNo: filed.caseNo,
          community: community.code,
          itemCode: c.body.itemCode,
          scenario: c.scenario,
          status: filed.status,
          handlingNode: filed.handlingNode,
          handlingTier: tierOf(filed.handlingNode),
          complete: false,
        };
        cases.push(seeded);
        lifecycles.push(
          runLifecycle(client, route, filed, c.legs).then(
            (state) => {
              Object.assign(seeded, {
                status: state.status,
                handlingNode: state.handlingNode,
                handlingTier: tierOf(state.handlingNode),
                complete: true,
              });
            },
            (/** @type {Error & { step?: string }} */ err) => {
              failed.push({ ...failure, caseNo: filed.caseNo, step: err.step, error: err.message });
            },
          ),
        );
      }
      await Promise.all(lifecycles);
    }),
  );

  /** @type {Record<string, number>} */
  const byStatus = {};
  /** @type {Record<string, number>} */
  const byTier = {};
  for (const c of cases) {
    byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    byTier[c.handlingTier] = (byTier[c.handlingTier] ?? 0) + 1;
  }
  const elapsedMs = Date.now() - started;
  const counts = (/** @type {Record<string, number>} */ m) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  log(
    `filed ${cases.length} of ${plan.length} demo cases at ${communities.length} communities and took them ` +
      `through ${client.actions} lifecycle actions in ${(elapsedMs / 1000).toFixed(1)} s`,
  );
  if (cases.length) {
    log(`  by status: ${counts(byStatus)}`);
    log(`  handled at: ${counts(byTier)}`);
  }
  if (failed.length) {
    log(`${failed.length} case(s) were refused or stopped short, e.g.:`);
    for (const f of failed.slice(0, 5))
      log(`  ${f.community} ${f.itemCode}${f.caseNo ? ` ${f.caseNo}` : ''} ${f.step ?? ''}: ${f.error}`);
  }
  return { created: cases.length, failed, actions: client.actions, elapsedMs, byStatus, byTier, cases };
}

module.exports = {
  seedDemo,
  demoCases,
  demoApplicant,
  residentIdNumber,
  residentIdCheckChar,
  prng,
  DEMO_ITEMS,
  SCENARIOS,
};

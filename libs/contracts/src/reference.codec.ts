import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { CalendarSpecError, validateCalendarSpec, validateOverrides } from '@fed/calendar';
import {
  CalendarOverridesPublishedSchema,
  CalendarPublishedSchema,
  CatalogItemPublishedSchema,
  SupervisionIssuedSchema,
} from './gen/fed/v1/reference_pb';
import { TierName, TIERS } from './case.types';
import {
  CALENDAR_OVERRIDES_PUBLISHED,
  CALENDAR_PUBLISHED,
  CATALOG_ITEM_PUBLISHED,
  CatalogItem,
  ReferenceBody,
  subjectOf,
  SUPERVISION_ISSUED,
} from './reference.types';
import {
  CASE_NO_PATTERN,
  check,
  ContractError,
  intIn,
  ISO_DATE,
  ITEM_CODE,
  MAX_VERSION,
  oneOf,
  optionalText,
  text,
  UUID,
} from './wire';

/** Local overrides a district may publish at once. */
export const MAX_OVERRIDES = 1000;

export const SUBJECT_PATTERN =
  /^(catalog\/\d{6}(\d{6})?\/[A-Za-z0-9][A-Za-z0-9-]{2,39}|calendar(-overrides)?\/\d{6}(\d{6})?|supervision\/\d{6}(\d{6})?\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Limits of catalog fields; the HTTP DTOs use the same ones. */
export const CATALOG_LIMITS = {
  name: 200,
  department: 200,
  material: 200,
  materials: 50,
  guide: 20_000,
  days: 3660,
  feeFen: 100_000_000,
} as const;

export function encodeReferenceBody(body: ReferenceBody): Uint8Array {
  switch (body.type) {
    case CATALOG_ITEM_PUBLISHED:
      return toBinary(CatalogItemPublishedSchema, create(CatalogItemPublishedSchema, { item: body.item }));
    case CALENDAR_PUBLISHED:
      return toBinary(CalendarPublishedSchema, create(CalendarPublishedSchema, body.calendar));
    case CALENDAR_OVERRIDES_PUBLISHED:
      return toBinary(
        CalendarOverridesPublishedSchema,
        create(CalendarOverridesPublishedSchema, { overrides: body.overrides }),
      );
    case SUPERVISION_ISSUED:
      return toBinary(SupervisionIssuedSchema, create(SupervisionIssuedSchema, body.ticket));
  }
}

/** Decodes and validates a reference payload; its subject must be the one it describes. @throws ContractError */
export function decodeReferenceBody(
  eventType: string,
  payload: Uint8Array,
  subject: string,
  originNode: string,
  version: number,
): ReferenceBody {
  const body = decodeBody(eventType, payload);
  if (subjectOf(originNode, body) !== subject) {
    throw new ContractError(`subject ${subject} does not match a ${eventType} from ${originNode}`);
  }
  // Ordering uses the envelope's version, filing the item's: they must be one and the same.
  if (body.type === CATALOG_ITEM_PUBLISHED && body.item.version !== version) {
    throw new ContractError(
      `item.version ${body.item.version} differs from the envelope's version ${version}`,
    );
  }
  return body;
}

function decodeBody(eventType: string, payload: Uint8Array): ReferenceBody {
  try {
    switch (eventType) {
      case CATALOG_ITEM_PUBLISHED: {
        const m = fromBinary(CatalogItemPublishedSchema, payload);
        if (!m.item) throw new ContractError('item is missing');
        return {
          type: CATALOG_ITEM_PUBLISHED,
          item: validateCatalogItem({
            ...m.item,
            decidingTier: m.item.decidingTier as TierName,
            status: m.item.status as CatalogItem['status'],
          }),
        };
      }
      case CALENDAR_PUBLISHED: {
        const m = fromBinary(CalendarPublishedSchema, payload);
        const calendar = {
          years: [...m.years],
          holidays: m.holidays.map((h) => ({ name: h.name, from: h.from, to: h.to })),
          makeupWorkdays: m.makeupWorkdays.map((d) => ({ date: d.date, for: d.for })),
          notices: { ...m.notices },
        };
        try {
          validateCalendarSpec({ version: 1, ...calendar });
        } catch (e) {
          if (e instanceof CalendarSpecError) throw new ContractError(`calendar: ${e.message}`);
          throw e;
        }
        return { type: CALENDAR_PUBLISHED, calendar };
      }
      case CALENDAR_OVERRIDES_PUBLISHED: {
        const m = fromBinary(CalendarOverridesPublishedSchema, payload);
        if (m.overrides.length > MAX_OVERRIDES)
          throw new ContractError(`more than ${MAX_OVERRIDES} overrides`);
        const overrides = m.overrides.map((o, i) => ({
          date: check(o.date, ISO_DATE, `overrides[${i}].date`),
          kind: oneOf(o.kind, ['day-off', 'working-day'] as const, `overrides[${i}].kind`),
          reason: text(o.reason, `overrides[${i}].reason`, 200),
        }));
        try {
          validateOverrides(overrides);
        } catch (e) {
          if (e instanceof CalendarSpecError) throw new ContractError(`overrides: ${e.message}`);
          throw e;
        }
        return { type: CALENDAR_OVERRIDES_PUBLISHED, overrides };
      }
      case SUPERVISION_ISSUED: {
        const m = fromBinary(SupervisionIssuedSchema, payload);
        return {
          type: SUPERVISION_ISSUED,
          ticket: {
            ticketId: check(m.ticketId, UUID, 'ticketId'),
            caseNo: check(m.caseNo, CASE_NO_PATTERN, 'caseNo'),
            reason: text(m.reason, 'reason', 500),
            dueDate: m.dueDate === '' ? '' : check(m.dueDate, ISO_DATE, 'dueDate'),
            officer: optionalText(m.officer, 'officer', 64),
          },
        };
      }
      default:
        throw new ContractError(`"${eventType}" is not reference data`);
    }
  } catch (e) {
    if (e instanceof ContractError) throw e;
    throw new ContractError(`${eventType} payload does not decode: ${(e as Error).message}`);
  }
}

/** A catalog item that is complete and consistent. @throws ContractError */
export function validateCatalogItem(i: CatalogItem): CatalogItem {
  const L = CATALOG_LIMITS;
  check(i.code, ITEM_CODE, 'item.code');
  intIn(i.version, 1, MAX_VERSION, 'item.version');
  text(i.name, 'item.name', L.name);
  text(i.department, 'item.department', L.department);
  oneOf(i.decidingTier, TIERS, 'item.decidingTier');
  intIn(i.promisedDays, 0, L.days, 'item.promisedDays');
  intIn(i.legalDays, 1, L.days, 'item.legalDays');
  if (i.promisedDays > i.legalDays) throw new ContractError('item.promisedDays exceeds item.legalDays');
  if (i.materials.length > L.materials) throw new ContractError(`item.materials lists over ${L.materials}`);
  i.materials.forEach((m, n) => text(m, `item.materials[${n}]`, L.material));
  optionalText(i.guide, 'item.guide', L.guide);
  intIn(i.feeFen, 0, L.feeFen, 'item.feeFen');
  oneOf(i.status, ['active', 'withdrawn'] as const, 'item.status');
  return {
    code: i.code,
    version: i.version,
    name: i.name,
    department: i.department,
    decidingTier: i.decidingTier,
    promisedDays: i.promisedDays,
    legalDays: i.legalDays,
    materials: [...i.materials],
    guide: i.guide,
    feeFen: i.feeFen,
    status: i.status,
  };
}

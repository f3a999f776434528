import { create } from '@bufbuild/protobuf';
import { CaseActionTaken, CaseActionTakenSchema, Timing } from './gen/fed/v1/case_pb';
import {
  CaseAction,
  CaseTiming,
  COMPLETIONS,
  DELIVERY_METHODS,
  OUTCOMES,
  SPECIAL_PROCEDURE_KINDS,
  STEPS,
  WARNING_LEVELS,
} from './case.types';
import {
  check,
  ContractError,
  intIn,
  ISO_DATE,
  MAX_VERSION,
  NODE_CODE,
  oneOf,
  optionalText,
  text,
  UUID,
} from './wire';

/** Limits of action fields; the HTTP DTOs use the same ones. */
export const ACTION_LIMITS = {
  reason: 500,
  note: 500,
  result: 2000,
  comment: 500,
  material: 200,
  materials: 50,
  officer: 64,
  specialProcedureDays: 365,
} as const;

type Wire = CaseActionTaken['action'];

export function actionToWire(a: CaseAction): Wire {
  switch (a.action) {
    case 'accept':
      return wire('accept', {});
    case 'reject':
      return wire('reject', { reason: a.reason });
    case 'request-supplement':
      return wire('requestSupplement', { materials: a.materials, note: a.note });
    case 'receive-supplement':
      return wire('receiveSupplement', { note: a.note });
    case 'start-special-procedure':
      return wire('startSpecialProcedure', { kind: a.kind, reason: a.reason, limitDays: a.limitDays });
    case 'end-special-procedure':
      return wire('endSpecialProcedure', { note: a.note });
    case 'suspend':
      return wire('suspend', { reason: a.reason });
    case 'resume':
      return wire('resume', { note: a.note });
    case 'start-step':
      return wire('startStep', { step: a.step });
    case 'end-step':
      return wire('endStep', { step: a.step, opinion: a.opinion });
    case 'decide':
      return wire('decide', {
        outcome: a.outcome,
        result: a.result,
        ...(a.timing ? { timing: a.timing } : {}),
      });
    case 'deliver':
      return wire('deliver', { method: a.method });
    case 'withdraw':
      return wire('withdraw', { reason: a.reason });
    case 'rate':
      return wire('rate', { score: a.score, comment: a.comment });
    case 'hand-up':
      return wire('handUp', { toNode: a.toNode, note: a.note });
    case 'acknowledge-supervision':
      return wire('acknowledgeSupervision', {
        ticketId: a.ticketId,
        issuer: a.issuer,
        reason: a.reason,
        dueDate: a.dueDate,
      });
    case 'answer-supervision':
      return wire('answerSupervision', { ticketId: a.ticketId, answer: a.answer });
    case 'remeasure':
      return wire('remeasure', { timing: a.timing });
    case 'warn':
      return wire('warn', {
        level: a.level,
        legalBreached: a.legalBreached,
        promisedDeadline: a.promisedDeadline,
        legalDeadline: a.legalDeadline,
        workingDaysLeft: a.workingDaysLeft,
        calendarVersion: a.calendarVersion,
      });
  }
}

function timingFromWire(t: Timing): CaseTiming {
  return {
    promisedDeadline: check(t.promisedDeadline, ISO_DATE, 'timing.promisedDeadline'),
    legalDeadline: check(t.legalDeadline, ISO_DATE, 'timing.legalDeadline'),
    decidedOn: check(t.decidedOn, ISO_DATE, 'timing.decidedOn'),
    workingDaysUsed: intIn(t.workingDaysUsed, 0, 100_000, 'timing.workingDaysUsed'),
    completion: oneOf(t.completion, COMPLETIONS, 'timing.completion'),
    calendarVersion: intIn(t.calendarVersion, 1, MAX_VERSION, 'timing.calendarVersion'),
    ...(t.provisional ? { provisional: true as const } : {}),
  };
}

function wire(name: NonNullable<Wire['case']>, value: Record<string, unknown>): Wire {
  const field = CaseActionTakenSchema.field[name];
  return { case: name, value: create(field.message!, value) } as Wire;
}

/** The action of a decoded payload, validated. @throws ContractError */
export function actionFromWire(w: Wire): CaseAction {
  const L = ACTION_LIMITS;
  switch (w.case) {
    case 'accept':
      return { action: 'accept' };
    case 'reject':
      return { action: 'reject', reason: text(w.value.reason, 'reason', L.reason) };
    case 'requestSupplement': {
      const materials = w.value.materials;
      if (materials.length === 0 || materials.length > L.materials)
        throw new ContractError(`materials must list 1–${L.materials} items`);
      materials.forEach((m, i) => text(m, `materials[${i}]`, L.material));
      return {
        action: 'request-supplement',
        materials: [...materials],
        note: optionalText(w.value.note, 'note', L.note),
      };
    }
    case 'receiveSupplement':
      return { action: 'receive-supplement', note: optionalText(w.value.note, 'note', L.note) };
    case 'startSpecialProcedure':
      return {
        action: 'start-special-procedure',
        kind: oneOf(w.value.kind, SPECIAL_PROCEDURE_KINDS, 'kind'),
        reason: text(w.value.reason, 'reason', L.reason),
        limitDays: intIn(w.value.limitDays, 1, L.specialProcedureDays, 'limitDays'),
      };
    case 'endSpecialProcedure':
      return { action: 'end-special-procedure', note: optionalText(w.value.note, 'note', L.note) };
    case 'suspend':
      return { action: 'suspend', reason: text(w.value.reason, 'reason', L.reason) };
    case 'resume':
      return { action: 'resume', note: optionalText(w.value.note, 'note', L.note) };
    case 'startStep':
      return { action: 'start-step', step: oneOf(w.value.step, STEPS, 'step') };
    case 'endStep':
      return {
        action: 'end-step',
        step: oneOf(w.value.step, STEPS, 'step'),
        opinion: optionalText(w.value.opinion, 'opinion', L.note),
      };
    case 'decide': {
      const t = w.value.timing;
      return {
        action: 'decide',
        outcome: oneOf(w.value.outcome, OUTCOMES, 'outcome'),
        result: text(w.value.result, 'result', L.result),
        ...(t ? { timing: timingFromWire(t) } : {}),
      };
    }
    case 'remeasure':
      if (!w.value.timing) throw new ContractError('remeasure carries no timing');
      return { action: 'remeasure', timing: timingFromWire(w.value.timing) };
    case 'deliver':
      return { action: 'deliver', method: oneOf(w.value.method, DELIVERY_METHODS, 'method') };
    case 'withdraw':
      return { action: 'withdraw', reason: text(w.value.reason, 'reason', L.reason) };
    case 'rate':
      return {
        action: 'rate',
        score: intIn(w.value.score, 1, 5, 'score'),
        comment: optionalText(w.value.comment, 'comment', L.comment),
      };
    case 'handUp':
      return {
        action: 'hand-up',
        toNode: check(w.value.toNode, NODE_CODE, 'toNode'),
        note: optionalText(w.value.note, 'note', L.note),
      };
    case 'warn':
      return {
        action: 'warn',
        level: oneOf(w.value.level, WARNING_LEVELS, 'level'),
        legalBreached: w.value.legalBreached,
        promisedDeadline: check(w.value.promisedDeadline, ISO_DATE, 'promisedDeadline'),
        legalDeadline: check(w.value.legalDeadline, ISO_DATE, 'legalDeadline'),
        workingDaysLeft: intIn(w.value.workingDaysLeft, -100_000, 100_000, 'workingDaysLeft'),
        calendarVersion: intIn(w.value.calendarVersion, 1, MAX_VERSION, 'calendarVersion'),
      };
    case 'acknowledgeSupervision':
      return {
        action: 'acknowledge-supervision',
        ticketId: check(w.value.ticketId, UUID, 'ticketId'),
        issuer: check(w.value.issuer, NODE_CODE, 'issuer'),
        reason: text(w.value.reason, 'reason', L.reason),
        dueDate: w.value.dueDate === '' ? '' : check(w.value.dueDate, ISO_DATE, 'dueDate'),
      };
    case 'answerSupervision':
      return {
        action: 'answer-supervision',
        ticketId: check(w.value.ticketId, UUID, 'ticketId'),
        answer: text(w.value.answer, 'answer', L.result),
      };
    case undefined:
      throw new ContractError('the payload names no action');
  }
}

import { CASE_FILED, CaseSnapshot, FederationEvent } from '@fed/contracts';
import { applyAction, TransitionError } from './lifecycle';

/** Why an event cannot be applied to its case; the event is dead-lettered with this reason. */
export class FoldError extends Error {}

/** The state of a case after one more event. Pure: the same history gives the same case at every tier. */
export function foldCase(prev: CaseSnapshot | undefined, event: FederationEvent): CaseSnapshot {
  const body = event.body;
  if (body.type === CASE_FILED) {
    if (prev) throw new FoldError(`case ${event.caseNo} is already filed`);
    if (event.caseVersion !== 1) throw new FoldError('case.filed must be version 1');
    // A case begins submitted, at the community that filed it; everything after is an event.
    if (body.record.status !== 'submitted' || body.record.handlingNode !== body.record.communityCode) {
      throw new FoldError(`case ${event.caseNo} must be filed as submitted and handled by its community`);
    }
    return body.record;
  }
  if (!prev) throw new FoldError(`case ${event.caseNo} is not filed`);
  try {
    return applyAction(prev, body.action, {
      node: event.originNode,
      tier: event.originTier,
      at: event.occurredAt.toISOString(),
      officer: body.officer,
    });
  } catch (e) {
    if (e instanceof TransitionError) throw new FoldError(`${body.type} refused: ${e.message}`);
    throw e;
  }
}

/** The stored state of a case this node already holds. */
export interface CurrentCase {
  version: number;
  snapshot: CaseSnapshot;
}

/** Anything that carries an event: an inbound message or a parked one. */
export interface Candidate {
  event: FederationEvent;
}

export interface ApplyPlan<C extends Candidate> {
  /** Events to apply now, in version order per case. */
  apply: C[];
  /** Events this node already applied (same event id at that version). */
  duplicates: C[];
  /** Events ahead of a missing version: kept until the gap fills. */
  park: C[];
  /** Events that cannot be applied, with the reason. */
  rejects: { candidate: C; reason: string }[];
  /** The state of every case that changed. */
  results: Map<string, CurrentCase>;
}

/**
 * Decides, for a batch of events (inbound and previously parked), which to apply and in what order.
 * A case advances only by version+1; a lower version is a duplicate (or a conflict when its id differs
 * from the stored one); a higher one waits. `appliedIds` maps `caseNo:version` to the stored event id
 * for versions at or below the current one that appear in the batch.
 */
export function planApply<C extends Candidate>(
  current: ReadonlyMap<string, CurrentCase>,
  candidates: C[],
  appliedIds: ReadonlyMap<string, string>,
): ApplyPlan<C> {
  const plan: ApplyPlan<C> = { apply: [], duplicates: [], park: [], rejects: [], results: new Map() };
  const byCase = new Map<string, C[]>();
  for (const c of candidates) {
    const list = byCase.get(c.event.caseNo) ?? [];
    list.push(c);
    byCase.set(c.event.caseNo, list);
  }
  for (const [caseNo, list] of byCase) {
    list.sort((a, b) => a.event.caseVersion - b.event.caseVersion);
    let state = current.get(caseNo);
    const seen = new Map<number, string>();
    for (const c of list) {
      const { caseVersion: version, eventId } = c.event;
      const stored = seen.get(version) ?? appliedIds.get(`${caseNo}:${version}`);
      if (version <= (state?.version ?? 0) || seen.has(version)) {
        if (stored === undefined || stored === eventId) plan.duplicates.push(c);
        else
          plan.rejects.push({
            candidate: c,
            reason: `version ${version} of ${caseNo} is already another event`,
          });
        continue;
      }
      if (version !== (state?.version ?? 0) + 1) {
        seen.set(version, eventId);
        plan.park.push(c);
        continue;
      }
      try {
        state = { version, snapshot: foldCase(state?.snapshot, c.event) };
      } catch (e) {
        if (!(e instanceof FoldError)) throw e;
        plan.rejects.push({ candidate: c, reason: e.message });
        continue;
      }
      seen.set(version, eventId);
      plan.apply.push(c);
      plan.results.set(caseNo, state);
    }
  }
  return plan;
}

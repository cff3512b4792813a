import { PLAN_VERSION, type Moment } from '../../domain/lifecycle/plan';

/**
 * The orchestration's whole state, carried from one execution to the next by `continueAsNew`, so
 * history stays one step long and new code takes over at the next step.
 */
export interface LifecycleInput {
  /** Bumped when this shape or the meaning of `moments` changes; old instances then fail loudly. */
  planVersion: typeof PLAN_VERSION;
  appointmentId: string;
  /** The consumer's manage token, for the links in messages (only its hash is stored with the appointment). */
  manageToken?: string;
  /** `plan`: read the appointment, send `notice`, plan the moments. `wait`: wait for `moments[next]`. */
  stage: 'plan' | 'wait';
  notice: 'confirmation' | 'reschedule';
  /** The appointment version the moments were planned for (0 before the first plan). */
  version: number;
  moments: Moment[];
  next: number;
}

export function lifecycleStartInput(appointmentId: string, manageToken: string | undefined): LifecycleInput {
  return {
    planVersion: PLAN_VERSION,
    appointmentId,
    ...(manageToken ? { manageToken } : {}),
    stage: 'plan',
    notice: 'confirmation',
    version: 0,
    moments: [],
    next: 0,
  };
}

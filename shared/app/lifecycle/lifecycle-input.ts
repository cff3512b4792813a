import { PLAN_VERSION, type Moment } from '../../domain/lifecycle/plan';
import type { Notice } from './send-notice';
import type { PlanResult } from './lifecycle-steps';

/**
 * What one execution of the orchestration hands the next through `continueAsNew`. The appointment
 * itself is never carried: every execution reads it afresh (events only wake the orchestration up),
 * so a change committed before an execution starts is always seen.
 */
export interface LifecycleInput {
  /** Bumped when this shape or its meaning changes; old instances then fail loudly. */
  planVersion: typeof PLAN_VERSION;
  appointmentId: string;
  /** The appointment version the consumer last heard about (confirmation or reschedule notice); 0 before. */
  announced: number;
  /** Moments already run for `done.version` (their keys), so none runs twice. */
  done: { version: number; moments: string[] };
  /** ACS throttled the last send: the next execution waits until then (or a change) before it reads again. */
  resumeAt?: number;
}

export function lifecycleStartInput(appointmentId: string): LifecycleInput {
  return { planVersion: PLAN_VERSION, appointmentId, announced: 0, done: { version: 0, moments: [] } };
}

/** A moment's identity within one appointment version. */
export function momentKey(moment: Moment): string {
  return moment.kind === 'reminder' ? `reminder-${moment.index}` : moment.kind;
}

/** What an execution does after reading the appointment. */
export type LifecycleStep =
  | { end: 'over' }
  /** Send the cancellation notice for this version (once per version, by the notification store), then end. */
  | { end: 'cancelled'; notice: 'cancellation'; version: number }
  /** Optionally announce this version, then wait for `moment` (or a change); no moment left: end. */
  | { notice?: Exclude<Notice, 'cancellation'>; version: number; moment?: Moment };

/**
 * Plans one execution from what it read. A booked appointment whose version the consumer has not heard
 * of gets a confirmation (nothing announced yet: it shows the current time) or a reschedule notice.
 */
export function nextLifecycleStep(state: LifecycleInput, read: PlanResult): LifecycleStep {
  if (read.status === 'over') return { end: 'over' };
  if (read.status === 'cancelled') return { end: 'cancelled', notice: 'cancellation', version: read.version };
  const done = state.done.version === read.version ? state.done.moments : [];
  const moment = read.moments.find((m) => !done.includes(momentKey(m)));
  const notice = read.version > state.announced ? (state.announced === 0 ? 'confirmation' : 'reschedule') : undefined;
  return { version: read.version, ...(notice ? { notice } : {}), ...(moment ? { moment } : {}) };
}

/** The input of the next execution once `moment` (if any) has run for `version`. */
export function afterExecution(state: LifecycleInput, announced: number, version: number, ran: Moment | undefined): LifecycleInput {
  const done = state.done.version === version ? state.done.moments : [];
  return { ...state, announced, done: { version, moments: ran ? [...done, momentKey(ran)] : done } };
}

/**
 * The input of instances continued-as-new by plan version 1 (before every execution read the appointment).
 * Such instances wait for months, so a deployment must carry them on rather than fail them.
 */
export interface LifecycleInputV1 {
  planVersion: 1;
  appointmentId: string;
  manageToken?: string;
  stage: 'plan' | 'wait';
  notice: Exclude<Notice, 'cancellation'>;
  version: number;
  moments: Moment[];
  next: number;
}

export function isLifecycleInputV1(input: LifecycleInput | LifecycleInputV1): input is LifecycleInputV1 {
  return input.planVersion === 1;
}

/**
 * The current input equivalent to a version 1 input: what the consumer has heard of, and the moments
 * already run for that version. The version 1 manage token is dropped (messages mint their own tokens).
 */
export function upgradeLifecycleInputV1(old: LifecycleInputV1): LifecycleInput {
  const waiting = old.stage === 'wait';
  const announced = waiting || old.notice === 'reschedule' ? old.version : 0;
  const ran = waiting ? old.moments.slice(0, old.next).map(momentKey) : [];
  return { planVersion: PLAN_VERSION, appointmentId: old.appointmentId, announced, done: { version: old.version, moments: ran } };
}

/** Names of the lifecycle's activities, shared by the orchestration and the registrations. */
export const LIFECYCLE_ACTIVITIES = {
  plan: 'lifecyclePlan',
  notice: 'lifecycleNotice',
  reminder: 'lifecycleReminder',
  undelivered: 'lifecycleUndelivered',
  room: 'lifecycleRoom',
  complete: 'lifecycleComplete',
} as const;

import { joinAppointment as joinEither, type JoinResult } from '../../shared/app/join/join-appointment';

/** A join of an ACS Rooms appointment: always a room (Teams mode is tested in test/e2e/teams.test.ts). */
export async function joinRoom(...args: Parameters<typeof joinEither>): Promise<JoinResult> {
  const joined = await joinEither(...args);
  if (!('roomId' in joined)) throw new Error('an ACS Rooms appointment answered a Teams join');
  return joined;
}

import { AcsError, type ChatPort, type IdentityPort, type RoomsPort } from '../../../shared/app/ports/acs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The status of a failed call: the AcsError's HTTP status, or what else it threw. */
async function statusOf(call: Promise<unknown>): Promise<number | string | undefined> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return error instanceof AcsError ? (error.status ?? error.code) : String(error);
  }
}

/**
 * What identity, rooms and chat do, as the app relies on it; runs against FakeAcs
 * (test/unit/contracts/fakes.test.ts) and the ACS adapters on the ACS emulator
 * (test/integration/acs/acs-contract.test.ts). Times are real (the emulator's clock).
 */
export function acsContract(make: () => { identity: IdentityPort; rooms: RoomsPort; chat: ChatPort }): void {
  let acs: ReturnType<typeof make>;
  beforeEach(() => {
    acs = make();
  });

  describe('identity', () => {
    it('issues tokens of 60-1440 minutes to a live identity; a deleted one is 401, its revoke too', async () => {
      const user = await acs.identity.createUser();
      const before = Date.now();
      const token = await acs.identity.issueToken(user, ['voip', 'chat'], 60);
      expect(token.token).toEqual(expect.any(String));
      expect(token.expiresOn).toBeGreaterThanOrEqual(before + 60 * 60_000 - 5_000);
      expect(token.expiresOn).toBeLessThanOrEqual(Date.now() + 60 * 60_000 + 5_000);
      expect(await statusOf(acs.identity.issueToken(user, ['chat'], 59))).toBe(400);
      expect(await statusOf(acs.identity.issueToken(user, ['chat'], 1441))).toBe(400);
      expect(await statusOf(acs.identity.issueToken(user, ['chat'], 1440))).toBe('ok');
      expect(await statusOf(acs.identity.revokeTokens(user))).toBe('ok');
      await acs.identity.deleteUser(user);
      expect(await statusOf(acs.identity.issueToken(user, ['chat'], 60))).toBe(401);
      expect(await statusOf(acs.identity.revokeTokens(user))).toBe(401);
    });
  });

  describe('rooms', () => {
    it('creates a room with its validity, changes it as a pair, forgets a deleted room (a second delete succeeds)', async () => {
      const from = Date.now() + HOUR;
      const room = await acs.rooms.createRoom({ validFrom: from, validUntil: from + HOUR });
      expect(room).toMatchObject({ validFrom: from, validUntil: from + HOUR });
      expect(await acs.rooms.getRoom(room.id)).toMatchObject({ id: room.id, validFrom: from, validUntil: from + HOUR });
      expect(await acs.rooms.updateRoom(room.id, { validFrom: from, validUntil: from + 2 * HOUR })).toMatchObject({
        validUntil: from + 2 * HOUR,
      });
      expect((await acs.rooms.getRoom(room.id))!.validUntil).toBe(from + 2 * HOUR);
      await acs.rooms.deleteRoom(room.id);
      await acs.rooms.deleteRoom(room.id);
      expect(await acs.rooms.getRoom(room.id)).toBeUndefined();
      expect(await statusOf(acs.rooms.updateRoom(room.id, { validFrom: from, validUntil: from + HOUR }))).toBe(404);
      expect(await statusOf(acs.rooms.removeParticipants(room.id, ['8:acs:x']))).toBe(404);
    });

    it('refuses a validity that ends before it starts, is over 180 days, or has already ended', async () => {
      const now = Date.now();
      expect(await statusOf(acs.rooms.createRoom({ validFrom: now + HOUR, validUntil: now + HOUR }))).toBe(400);
      expect(await statusOf(acs.rooms.createRoom({ validFrom: now, validUntil: now + 181 * DAY }))).toBe(400);
      expect(await statusOf(acs.rooms.createRoom({ validFrom: now - 2 * HOUR, validUntil: now - HOUR }))).toBe(400);
      expect(await statusOf(acs.rooms.createRoom({ validFrom: now - HOUR, validUntil: now + 179 * DAY }))).toBe('ok');
    });

    it('seats live identities with a role, changes a role, removes a seat (absent ones too); unknown identities are 400', async () => {
      const room = await acs.rooms.createRoom({ validFrom: Date.now(), validUntil: Date.now() + HOUR });
      const [a, b] = [await acs.identity.createUser(), await acs.identity.createUser()];
      await acs.rooms.upsertParticipants(room.id, [
        { userId: a, role: 'Attendee' },
        { userId: b, role: 'Presenter' },
      ]);
      await acs.rooms.upsertParticipants(room.id, [{ userId: a, role: 'Presenter' }]);
      const seats = async () => (await acs.rooms.listParticipants(room.id)).map((p) => `${p.userId}=${p.role}`).sort();
      expect(await seats()).toEqual([`${a}=Presenter`, `${b}=Presenter`].sort());
      await acs.rooms.removeParticipants(room.id, [a]);
      await acs.rooms.removeParticipants(room.id, [a]);
      expect(await seats()).toEqual([`${b}=Presenter`]);
      await acs.identity.deleteUser(a);
      expect(await statusOf(acs.rooms.upsertParticipants(room.id, [{ userId: a, role: 'Attendee' }]))).toBe(400);
    });
  });

  describe('chat', () => {
    it('creates one thread per idempotency key, with the app as a member that posts and reads its messages oldest first', async () => {
      const app = await acs.chat.serviceUserId();
      expect(await acs.chat.serviceUserId()).toBe(app);
      const key = `appointment-${Math.random().toString(36).slice(2)}`;
      const { threadId } = await acs.chat.createThread({ topic: 'Consultation', participants: [], idempotencyKey: key });
      expect((await acs.chat.createThread({ topic: 'Consultation', participants: [], idempotencyKey: key })).threadId).toBe(threadId);
      expect((await acs.chat.createThread({ topic: 'Consultation', participants: [] })).threadId).not.toBe(threadId);
      await acs.chat.sendMessage(threadId, { content: 'first', senderDisplayName: 'Appointments' });
      await acs.chat.sendMessage(threadId, { content: 'second' });
      const messages = await acs.chat.listMessages(threadId);
      expect(messages.map((m) => [m.content, m.senderId, m.type])).toEqual([
        ['first', app, 'text'],
        ['second', app, 'text'],
      ]);
      expect(messages[0]!.senderDisplayName).toBe('Appointments');
    });

    it('adds members idempotently, removes them (non-members too); unknown identities are refused', async () => {
      const { threadId } = await acs.chat.createThread({ topic: 'Visit', participants: [] });
      const user = await acs.identity.createUser();
      await acs.chat.addParticipants(threadId, [{ userId: user, displayName: 'Ann' }]);
      await acs.chat.addParticipants(threadId, [{ userId: user, displayName: 'Ann' }]);
      await acs.chat.removeParticipant(threadId, user);
      await acs.chat.removeParticipant(threadId, user);
      const gone = await acs.identity.createUser();
      await acs.identity.deleteUser(gone);
      expect(await statusOf(acs.chat.addParticipants(threadId, [{ userId: gone }]))).toBe('InvalidParticipants');
      expect(await statusOf(acs.chat.createThread({ topic: 'Visit', participants: [{ userId: gone }] }))).toBe('InvalidParticipants');
    });

    it('deletes a thread with its messages: later calls are 404, a second delete succeeds', async () => {
      const { threadId } = await acs.chat.createThread({ topic: 'Visit', participants: [] });
      await acs.chat.sendMessage(threadId, { content: 'hello' });
      await acs.chat.deleteThread(threadId);
      expect(await statusOf(acs.chat.listMessages(threadId))).toBe(404);
      expect(await statusOf(acs.chat.sendMessage(threadId, { content: 'again' }))).toBe(404);
      await acs.chat.deleteThread(threadId);
    });
  });
}

import { appointmentAcceptsToken, MESSAGE_TOKEN_SLOTS, newManageToken, withMessageToken } from '../../../shared/app/manage-token';

describe('message tokens (a fresh token per message; only hashes are stored)', () => {
  const manage = newManageToken();
  const messages = Array.from({ length: MESSAGE_TOKEN_SLOTS + 1 }, () => newManageToken());
  const hashes = messages.reduce<string[]>((set, m) => withMessageToken(set, m.hash), []);

  it('keeps the newest hashes only, so the oldest message link stops working when the set rolls over', () => {
    expect(hashes).toHaveLength(MESSAGE_TOKEN_SLOTS);
    const booked = { manageTokenHash: manage.hash, messageTokenHashes: hashes, status: 'booked' };
    expect(appointmentAcceptsToken(booked, messages[0]!.token)).toBe(false);
    expect(appointmentAcceptsToken(booked, messages[1]!.token)).toBe(true);
    expect(appointmentAcceptsToken(booked, messages.at(-1)!.token)).toBe(true);
    expect(appointmentAcceptsToken(booked, manage.token)).toBe(true);
    expect(appointmentAcceptsToken(booked, newManageToken().token)).toBe(false);
    expect(JSON.stringify(booked)).not.toContain(messages.at(-1)!.token);
  });

  it('accepts message tokens only while the appointment is booked; the manage token always', () => {
    for (const status of ['cancelled', 'completed', 'no-show']) {
      const ended = { manageTokenHash: manage.hash, messageTokenHashes: hashes, status };
      expect(appointmentAcceptsToken(ended, messages.at(-1)!.token)).toBe(false);
      expect(appointmentAcceptsToken(ended, manage.token)).toBe(true);
    }
  });
});

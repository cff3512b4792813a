import { RoomsClient, type CommunicationRoom } from '@azure/communication-rooms';
import type { Room, RoomParticipant, RoomRole, RoomsPort } from '../../app/ports/acs';
import { acsClient, type AcsClientConfig } from './client-options';
import { callAcs, isNotFound } from './errors';

function toRoom(room: CommunicationRoom): Room {
  return { id: room.id, createdAt: room.createdOn.getTime(), validFrom: room.validFrom.getTime(), validUntil: room.validUntil.getTime() };
}

const user = (userId: string) => ({ communicationUserId: userId });

/** ACS Rooms: the video visit's room and who may join it in which role. */
export class AcsRoomsAdapter implements RoomsPort {
  private readonly client: RoomsClient;

  constructor(private readonly config: AcsClientConfig) {
    this.client = acsClient(RoomsClient, config, config.clientOptions);
  }

  async createRoom(input: { validFrom: number; validUntil: number; participants?: RoomParticipant[] }): Promise<Room> {
    const room = await callAcs('rooms', 'createRoom', this.config.retry, () =>
      this.client.createRoom({
        validFrom: new Date(input.validFrom),
        validUntil: new Date(input.validUntil),
        participants: (input.participants ?? []).map((p) => ({ id: user(p.userId), role: p.role })),
      }),
    );
    return toRoom(room);
  }

  async getRoom(roomId: string): Promise<Room | undefined> {
    try {
      return toRoom(await callAcs('rooms', 'getRoom', this.config.retry, () => this.client.getRoom(roomId)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async updateRoom(roomId: string, validity: { validFrom: number; validUntil: number }): Promise<Room> {
    const room = await callAcs('rooms', 'updateRoom', this.config.retry, () =>
      this.client.updateRoom(roomId, { validFrom: new Date(validity.validFrom), validUntil: new Date(validity.validUntil) }),
    );
    return toRoom(room);
  }

  async deleteRoom(roomId: string): Promise<void> {
    try {
      await callAcs('rooms', 'deleteRoom', this.config.retry, () => this.client.deleteRoom(roomId));
    } catch (error) {
      // Already gone is what the caller wanted.
      if (!isNotFound(error)) throw error;
    }
  }

  async listRooms(): Promise<Room[]> {
    return callAcs('rooms', 'listRooms', this.config.retry, async () => {
      const rooms: Room[] = [];
      for await (const room of this.client.listRooms()) rooms.push(toRoom(room));
      return rooms;
    });
  }

  async upsertParticipants(roomId: string, participants: RoomParticipant[]): Promise<void> {
    await callAcs('rooms', 'upsertParticipants', this.config.retry, () =>
      this.client.addOrUpdateParticipants(
        roomId,
        participants.map((p) => ({ id: user(p.userId), role: p.role })),
      ),
    );
  }

  async removeParticipants(roomId: string, userIds: string[]): Promise<void> {
    await callAcs('rooms', 'removeParticipants', this.config.retry, () => this.client.removeParticipants(roomId, userIds.map(user)));
  }

  async listParticipants(roomId: string): Promise<RoomParticipant[]> {
    return callAcs('rooms', 'listParticipants', this.config.retry, async () => {
      const participants: RoomParticipant[] = [];
      for await (const participant of this.client.listParticipants(roomId)) {
        const id = participant.id as { communicationUserId?: string; rawId?: string };
        participants.push({ userId: id.communicationUserId ?? id.rawId ?? '', role: participant.role as RoomRole });
      }
      return participants;
    });
  }
}

import { AppError } from '../../common/errors/app-error';

export const RealtimeErrors = {
  badRoom: () =>
    new AppError(
      'realtime.bad_room',
      'invalid',
      'room: expected fleet or device:|ticket:|technician:|customer:<id>',
      { field: 'room' },
    ),
  /** The same answer for a room that does not exist and one the caller may not follow, so ids do not leak. */
  roomForbidden: (room: string) =>
    new AppError('realtime.room_forbidden', 'forbidden', `You may not follow ${room}`, { room }),
};

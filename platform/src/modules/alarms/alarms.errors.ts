import { AppError } from '../../common/errors/app-error';

export const AlarmErrors = {
  notFound: (id: string) => new AppError('alarm.not_found', 'not_found', `No alarm "${id}"`, { alarmId: id }),
  alreadyCleared: (id: string) =>
    new AppError('alarm.already_cleared', 'conflict', `Alarm "${id}" is cleared already`, { alarmId: id }),
};

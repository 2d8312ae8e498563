import { AppError } from '../../common/errors/app-error';

export const DeviceErrors = {
  notFound: (id: string) =>
    new AppError('device.not_found', 'not_found', `No device "${id}"`, { deviceId: id }),
  idTaken: (id: string) =>
    new AppError('device.id_taken', 'conflict', `A device with id "${id}" exists already`, { field: 'id' }),
  unknownMetric: (type: string, metric: string) =>
    new AppError('device.unknown_metric', 'invalid', `A ${type} has no metric "${metric}"`, {
      field: 'metric',
    }),
  offline: (deviceId: string) =>
    new AppError(
      'device.offline',
      'conflict',
      `Device "${deviceId}" is offline; commands need a connected device`,
      {
        deviceId,
      },
    ),
  brokerUnavailable: () =>
    new AppError('device.broker_unavailable', 'unavailable', 'The MQTT broker is not running'),
  commandTimeout: (deviceId: string, commandId: string, timeoutMs: number) =>
    new AppError(
      'device.command_timeout',
      'timeout',
      `No acknowledgement from "${deviceId}" within ${timeoutMs} ms`,
      {
        deviceId,
        commandId,
      },
    ),
};

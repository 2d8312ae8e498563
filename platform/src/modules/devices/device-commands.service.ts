import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { CommandAck, CommandMessage, SendCommandRequest } from '../../../../contracts/src';
import { DeviceErrors } from './devices.errors';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import { DevicesService } from './devices.service';

/** Sends a command to a device over MQTT; set by the composition root once the broker runs. */
export type CommandPublisher = (deviceId: string, command: CommandMessage) => Promise<void>;

const DEFAULT_TIMEOUT_MS = 10_000;

interface Pending {
  deviceId: string;
  resolve: (ack: CommandAck) => void;
  timer: NodeJS.Timeout;
}

/** Remote commands (`self_test`, `read_error_log`, `reboot`): MQTT out, the device's ack back. */
@Injectable()
export class DeviceCommandsService implements OnModuleInit, OnApplicationShutdown {
  private publisher?: CommandPublisher;
  private readonly pending = new Map<string, Pending>();
  private unsubscribe?: () => void;

  constructor(
    private readonly devices: DevicesService,
    private readonly events: DomainEvents,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.on('command.ack', ({ deviceId, ack }) => {
      const waiting = this.pending.get(ack.id);
      // Only the device the command went to may answer it.
      if (!waiting || waiting.deviceId !== deviceId) return;
      clearTimeout(waiting.timer);
      this.pending.delete(ack.id);
      waiting.resolve(ack);
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.resolve({ id, ok: false, error: 'platform shutting down' });
    }
    this.pending.clear();
  }

  usePublisher(publisher: CommandPublisher): void {
    this.publisher = publisher;
  }

  async send(deviceId: string, request: SendCommandRequest, principal: Principal): Promise<CommandAck> {
    const device = this.devices.requireVisible(deviceId, principal);
    if (!device.online) {
      throw DeviceErrors.offline(deviceId);
    }
    if (!this.publisher) throw DeviceErrors.brokerUnavailable();
    const command: CommandMessage = { id: randomUUID(), name: request.name, args: request.args };
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const answered = new Promise<CommandAck | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(command.id);
        resolve(undefined);
      }, timeoutMs);
      this.pending.set(command.id, { deviceId, resolve, timer });
    });
    this.logger.info(
      { deviceId, commandId: command.id, name: command.name, by: principal.userId },
      'command sent',
    );
    try {
      await this.publisher(deviceId, command);
    } catch (error) {
      clearTimeout(this.pending.get(command.id)?.timer);
      this.pending.delete(command.id);
      throw error;
    }
    const ack = await answered;
    if (!ack) {
      throw DeviceErrors.commandTimeout(deviceId, command.id, timeoutMs);
    }
    return ack;
  }
}

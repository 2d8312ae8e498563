import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type {
  CommandAck,
  CommandName,
  CommandMessage,
  DeviceCommand,
  SendCommandRequest,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import { DeviceCommandsRepository, type StoredCommand } from './device-commands.repository';
import { DeviceErrors } from './devices.errors';
import { DevicesService } from './devices.service';

/** Sends a command to a device over MQTT; set by the composition root once the broker runs. */
export type CommandPublisher = (deviceId: string, command: CommandMessage) => Promise<void>;

const DEFAULT_TIMEOUT_MS = 10_000;
/** How many of a device's commands its history shows. */
const HISTORY_LENGTH = 20;

interface Pending {
  deviceId: string;
  resolve: (answer: { ack: CommandAck; atMs: number }) => void;
  timer: NodeJS.Timeout;
}

/**
 * Remote commands (`self_test`, `read_error_log`, `reboot`): MQTT out, the device's ack back.
 * Every command is stored with its answer, so a page opened later shows what was run and what
 * the device said.
 */
@Injectable()
export class DeviceCommandsService implements OnModuleInit, OnApplicationShutdown {
  private publisher?: CommandPublisher;
  private readonly pending = new Map<string, Pending>();
  private unsubscribe?: () => void;

  constructor(
    private readonly devices: DevicesService,
    private readonly repository: DeviceCommandsRepository,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.on('command.ack', ({ deviceId, ack }) => {
      const atMs = this.clock.now();
      const waiting = this.pending.get(ack.id);
      // Only the device the command went to may answer it.
      if (waiting && waiting.deviceId === deviceId) {
        clearTimeout(waiting.timer);
        this.pending.delete(ack.id);
        waiting.resolve({ ack, atMs });
        return;
      }
      // Nobody waits any more (timed out, or another instance sent it): the answer is still history.
      return this.storeAnswer(deviceId, ack, atMs);
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.resolve({ ack: { id, ok: false, error: 'platform shutting down' }, atMs: this.clock.now() });
    }
    this.pending.clear();
  }

  usePublisher(publisher: CommandPublisher): void {
    this.publisher = publisher;
  }

  /** Sends the command and answers with it and the device's answer (504 when none comes in time). */
  async send(
    deviceId: string,
    // the platform's own commands (firmware campaigns) go this way too, with names the API does not take
    request: Omit<SendCommandRequest, 'name'> & { name: CommandName },
    principal: Principal,
  ): Promise<DeviceCommand> {
    const device = this.devices.requireVisible(deviceId, principal);
    if (!device.online) {
      throw DeviceErrors.offline(deviceId);
    }
    if (!this.publisher) throw DeviceErrors.brokerUnavailable();
    const message: CommandMessage = { id: randomUUID(), name: request.name, args: request.args };
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const sent: StoredCommand = {
      id: message.id,
      deviceId,
      name: message.name,
      args: message.args ?? null,
      sentAt: this.clock.now(),
      sentBy: principal.userId,
      timeoutMs,
      status: 'pending',
      answeredAt: null,
      ok: null,
      result: null,
      error: null,
    };
    // stored before it goes out, so even the fastest answer finds its row
    await this.repository.insert(sent);
    const answered = new Promise<{ ack: CommandAck; atMs: number } | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(message.id);
        resolve(undefined);
      }, timeoutMs);
      this.pending.set(message.id, { deviceId, resolve, timer });
    });
    this.logger.info(
      { deviceId, commandId: message.id, name: message.name, by: principal.userId },
      'command sent',
    );
    try {
      await this.publisher(deviceId, message);
    } catch (error) {
      clearTimeout(this.pending.get(message.id)?.timer);
      this.pending.delete(message.id);
      await this.repository.delete(message.id);
      throw error;
    }
    const answer = await answered;
    if (!answer) {
      await this.repository.timedOut(message.id);
      throw DeviceErrors.commandTimeout(deviceId, message.id, timeoutMs);
    }
    await this.storeAnswer(deviceId, answer.ack, answer.atMs);
    return toView({
      ...sent,
      status: 'answered',
      answeredAt: answer.atMs,
      ok: answer.ack.ok,
      result: answer.ack.result ?? null,
      error: answer.ack.error ?? null,
    });
  }

  /** The device's latest commands, newest first, for whoever may send it commands. */
  async history(deviceId: string, principal: Principal): Promise<DeviceCommand[]> {
    this.devices.requireVisible(deviceId, principal);
    const now = this.clock.now();
    return (await this.repository.latest(deviceId, HISTORY_LENGTH)).map((command) =>
      // left pending by a restart while the platform waited: nobody waits for it any more
      command.status === 'pending' && now > command.sentAt + command.timeoutMs
        ? toView({ ...command, status: 'timed_out' })
        : toView(command),
    );
  }

  /**
   * The caller gets the device's answer even when it cannot be stored (the database refuses, e.g.
   * a NUL in the device's text): the failure is logged with the command.
   */
  private async storeAnswer(deviceId: string, ack: CommandAck, atMs: number): Promise<void> {
    try {
      await this.repository.answer(deviceId, ack, atMs);
    } catch (error) {
      this.logger.error({ err: error, deviceId, commandId: ack.id }, 'storing the command answer failed');
    }
  }
}

function toView({ timeoutMs: _timeoutMs, ...command }: StoredCommand): DeviceCommand {
  return command;
}

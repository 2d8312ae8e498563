import { Inject, Injectable } from '@nestjs/common';
import type { CommandAck, CommandName, DeviceCommand, DeviceCommandStatus } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

/** A command as stored: its answer, and how long the platform waited for it. */
export interface StoredCommand extends DeviceCommand {
  timeoutMs: number;
}

interface CommandRow {
  id: string;
  device_id: string;
  name: CommandName;
  args: Record<string, unknown> | null;
  sent_at: number;
  sent_by: string;
  timeout_ms: number;
  status: DeviceCommandStatus;
  answered_at: number | null;
  ok: boolean | null;
  result: unknown;
  error: string | null;
}

const toCommand = (r: CommandRow): StoredCommand => ({
  id: r.id,
  deviceId: r.device_id,
  name: r.name,
  args: r.args,
  sentAt: Number(r.sent_at),
  sentBy: r.sent_by,
  timeoutMs: Number(r.timeout_ms),
  status: r.status,
  answeredAt: r.answered_at === null ? null : Number(r.answered_at),
  ok: r.ok,
  result: r.result ?? null,
  error: r.error,
});

/** The remote commands sent to devices and the devices' answers. */
@Injectable()
export class DeviceCommandsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async insert(command: StoredCommand): Promise<void> {
    await this.db.query(
      `INSERT INTO device_commands (id, device_id, name, args, sent_at, sent_by, timeout_ms, status)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)`,
      [
        command.id,
        command.deviceId,
        command.name,
        command.args === null ? null : JSON.stringify(command.args),
        command.sentAt,
        command.sentBy,
        command.timeoutMs,
        command.status,
      ],
    );
  }

  /** A command that was never published (the broker refused it) is not part of the history. */
  async delete(id: string): Promise<void> {
    await this.db.query('DELETE FROM device_commands WHERE id = $1', [id]);
  }

  /**
   * Records the device's answer, also after the wait timed out (a late answer is still what the
   * device did); only the device the command went to may answer it. False when no command matched.
   */
  async answer(deviceId: string, ack: CommandAck, atMs: number): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE device_commands SET status = 'answered', answered_at = $3, ok = $4, result = $5::jsonb, error = $6
       WHERE id = $1 AND device_id = $2 AND status <> 'answered'
       RETURNING id`,
      [
        ack.id,
        deviceId,
        atMs,
        ack.ok,
        ack.result === undefined ? null : JSON.stringify(ack.result),
        ack.error ?? null,
      ],
    );
    return rows.length > 0;
  }

  async timedOut(id: string): Promise<void> {
    await this.db.query(
      "UPDATE device_commands SET status = 'timed_out' WHERE id = $1 AND status = 'pending'",
      [id],
    );
  }

  /** The device's latest commands, newest first. */
  async latest(deviceId: string, limit: number): Promise<StoredCommand[]> {
    const rows = await this.db.query<CommandRow>(
      'SELECT * FROM device_commands WHERE device_id = $1 ORDER BY seq DESC LIMIT $2',
      [deviceId, limit],
    );
    return rows.map(toCommand);
  }
}

import { Writable } from 'node:stream';
import pino from 'pino';
import type { Alarm } from '../../../../contracts/src';
import { DomainEvents, type DomainEventName } from './domain-events';

const reading = { deviceId: 'dev-1', type: 'washer', tsMs: 1_000, metrics: { drumTempC: 40 } };

function busWithLog() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const events = new DomainEvents(pino({ level: 'error' }, sink));
  const failures: DomainEventName[] = [];
  events.onListenerError((event) => failures.push(event));
  return { events, lines, failures };
}

describe('DomainEvents', () => {
  it('runs the listeners after one that throws, and the emitter does not see the throw', () => {
    const { events, lines, failures } = busWithLog();
    const seen: string[] = [];
    events.on('telemetry.accepted', () => {
      throw new Error('listener bug');
    });
    events.on('telemetry.accepted', (r) => seen.push(r.deviceId));

    expect(() => events.emit('telemetry.accepted', reading)).not.toThrow();

    expect(seen).toEqual(['dev-1']);
    expect(failures).toEqual(['telemetry.accepted']);
    expect(lines).toEqual([
      expect.objectContaining({
        event: 'telemetry.accepted',
        msg: 'domain event listener failed',
        err: expect.objectContaining({ message: 'listener bug' }),
      }),
    ]);
  });

  it('reports an async listener whose promise rejects, once per failure', async () => {
    const { events, lines, failures } = busWithLog();
    let ran = 0;
    events.on('alarm.changed', async () => {
      await Promise.resolve();
      throw new Error('store down');
    });
    events.on('alarm.changed', () => ran++);

    events.emit('alarm.changed', { id: 'a-1' } as Alarm);
    events.emit('alarm.changed', { id: 'a-1' } as Alarm);
    await new Promise((resolve) => setImmediate(resolve));

    expect(ran).toBe(2);
    expect(failures).toEqual(['alarm.changed', 'alarm.changed']);
    expect(lines.map((l) => l.event)).toEqual(['alarm.changed', 'alarm.changed']);
  });

  it('stops calling a listener once it unsubscribes', () => {
    const { events } = busWithLog();
    let calls = 0;
    const off = events.on('telemetry.accepted', () => calls++);
    events.emit('telemetry.accepted', reading);
    off();
    events.emit('telemetry.accepted', reading);
    expect(calls).toBe(1);
  });
});

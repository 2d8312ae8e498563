import fc from 'fast-check';
import { mayMatchDeviceTopic } from './device-topic-subscriptions';

/** MQTT 3.1.1 topic matching (4.7), shared subscriptions stripped: the reference. */
function matches(filter: string, topic: string): boolean {
  let levels = filter.split('/');
  if (levels[0] === '$share') levels = levels.slice(2);
  const words = topic.split('/');
  // [MQTT-4.7.2-1]: wildcards at the first level do not match $ topics
  if (topic.startsWith('$') && (levels[0] === '+' || levels[0] === '#')) return false;
  for (let i = 0; i < levels.length; i++) {
    if (levels[i] === '#') return true;
    if (i >= words.length) return false;
    if (levels[i] !== '+' && levels[i] !== words[i]) return false;
  }
  return levels.length === words.length;
}

describe('mayMatchDeviceTopic', () => {
  it('is true for every filter that matches some topic a device publishes on', () => {
    const level = fc.constantFrom(
      'devices',
      'washer-1',
      'fridge-2',
      'telemetry',
      'events',
      'commands',
      'ack',
      '+',
      '#',
      '$SYS',
      '$platform',
      'status',
      '',
    );
    const filter = fc
      .tuple(fc.boolean(), fc.array(level, { minLength: 1, maxLength: 5 }))
      .map(([shared, levels]) => (shared ? ['$share', 'tools', ...levels] : levels).join('/'));
    const topic = fc
      .tuple(
        fc.constantFrom('washer-1', 'fridge-2'),
        fc.constantFrom('telemetry', 'events', 'status', 'commands/ack', 'firmware'),
      )
      .map(([device, channel]) => `devices/${device}/${channel}`);
    fc.assert(
      fc.property(filter, topic, (f, t) => !matches(f, t) || mayMatchDeviceTopic(f)),
      { numRuns: 20_000 },
    );
  });

  it("is false for the broker's and the gateway's own topics", () => {
    expect(mayMatchDeviceTopic('$SYS/+/heartbeat')).toBe(false);
    expect(mayMatchDeviceTopic('$platform/devices/disconnect')).toBe(false);
    expect(mayMatchDeviceTopic('alerts/#')).toBe(false);
    expect(mayMatchDeviceTopic('devices/washer-1/commands')).toBe(true);
    expect(mayMatchDeviceTopic('$share/g/#')).toBe(true);
  });
});

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

const CHANNELS = ['telemetry', 'events'];

const LEVEL = fc.constantFrom(
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
const FILTER = fc
  .tuple(fc.boolean(), fc.array(LEVEL, { minLength: 1, maxLength: 5 }))
  .map(([shared, levels]) => (shared ? ['$share', 'tools', ...levels] : levels).join('/'));

describe('mayMatchDeviceTopic', () => {
  it('is true for every filter that matches some topic a device publishes on a watched channel', () => {
    const topic = fc
      .tuple(fc.constantFrom('washer-1', 'fridge-2'), fc.constantFrom(...CHANNELS))
      .map(([device, channel]) => `devices/${device}/${channel}`);
    fc.assert(
      fc.property(FILTER, topic, (f, t) => !matches(f, t) || mayMatchDeviceTopic(f, CHANNELS)),
      { numRuns: 20_000 },
    );
  });

  it('is true only for a filter that matches such a topic of some device', () => {
    fc.assert(
      fc.property(FILTER, (f) => {
        if (!mayMatchDeviceTopic(f, CHANNELS)) return true;
        // the device whose id the filter names, if it names one
        const levels = f.split('/');
        const named = levels[0] === '$share' ? levels[3] : levels[1];
        const ids = ['washer-1', ...(named !== undefined && named !== '+' && named !== '#' ? [named] : [])];
        return ids.some((id) => CHANNELS.some((channel) => matches(f, `devices/${id}/${channel}`)));
      }),
      { numRuns: 20_000 },
    );
  });

  it("is false for a device's own commands, other channels, and the broker's and the gateway's own topics", () => {
    expect(mayMatchDeviceTopic('devices/washer-1/commands', CHANNELS)).toBe(false);
    expect(mayMatchDeviceTopic('devices/+/status', CHANNELS)).toBe(false);
    expect(mayMatchDeviceTopic('devices/washer-1/commands/ack', CHANNELS)).toBe(false);
    expect(mayMatchDeviceTopic('$SYS/+/heartbeat', CHANNELS)).toBe(false);
    expect(mayMatchDeviceTopic('$platform/devices/disconnect', CHANNELS)).toBe(false);
    expect(mayMatchDeviceTopic('alerts/#', CHANNELS)).toBe(false);
    expect(mayMatchDeviceTopic('devices/washer-1/telemetry', CHANNELS)).toBe(true);
    expect(mayMatchDeviceTopic('devices/washer-1/telemetry/#', CHANNELS)).toBe(true);
    expect(mayMatchDeviceTopic('+/+/+', CHANNELS)).toBe(true);
    expect(mayMatchDeviceTopic('$share/g/#', CHANNELS)).toBe(true);
    expect(mayMatchDeviceTopic('devices/+/status', ['telemetry', 'status'])).toBe(true);
  });
});

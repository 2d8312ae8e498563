import fc from 'fast-check';
import type { DetectionReading } from './detection-engine';
import { ReadingBatchDecoder, ReadingBatchEncoder } from './reading-batch';

const washer = (deviceId: string, tsMs: number, metrics: Record<string, number>): DetectionReading => ({
  deviceId,
  type: 'washer',
  tsMs,
  metrics,
});

/** Sends batches through a structured clone with the values transferred, as postMessage does. */
function send(encoder: ReadingBatchEncoder, decoder: ReadingBatchDecoder): DetectionReading[] {
  const packed = encoder.take();
  const arrived = structuredClone(packed, { transfer: [packed.values.buffer] });
  expect(packed.values.byteLength).toBe(0); // moved, not copied
  return decoder.decode(arrived);
}

describe('packed reading batches', () => {
  it('arrive as the readings sent, in order, with metrics in their order and values to the bit', () => {
    const encoder = new ReadingBatchEncoder();
    const decoder = new ReadingBatchDecoder();
    const sent = [
      washer('w-1', 1_767_225_600_123, { powerW: 412.75, drumVibrationMmS: 3.1 }),
      { deviceId: 'f-9', type: 'refrigerator', tsMs: 1_767_225_600_124, metrics: { cabinetC: -0.1 + 0.2 } },
      washer('w-1', 1_767_225_660_000, { drumVibrationMmS: 5e-324, powerW: Number.MAX_VALUE }),
    ];
    for (const reading of sent) encoder.add(reading);
    expect(encoder.size).toBe(3);
    const received = send(encoder, decoder);
    expect(received).toEqual(sent);
    expect(Object.keys(received[2].metrics)).toEqual(['drumVibrationMmS', 'powerW']);
    expect(encoder.size).toBe(0);
  });

  it('send each device id, type and metric name once, then only its index', () => {
    const encoder = new ReadingBatchEncoder();
    const decoder = new ReadingBatchDecoder();
    encoder.add(washer('w-1', 1, { powerW: 1, motorCurrentA: 2 }));
    encoder.add(washer('w-2', 2, { powerW: 3 }));
    const first = encoder.take();
    expect(first.strings).toEqual(['w-1', 'washer', 'powerW', 'motorCurrentA', 'w-2']);
    decoder.decode(first);
    encoder.add(washer('w-2', 3, { powerW: 4, drumRpm: 800 }));
    const second = encoder.take();
    expect(second.strings).toEqual(['drumRpm']);
    expect(decoder.decode(second)).toEqual([washer('w-2', 3, { powerW: 4, drumRpm: 800 })]);
  });

  it('start the table again between batches once it passes its bound', () => {
    const encoder = new ReadingBatchEncoder(4);
    const decoder = new ReadingBatchDecoder();
    const batches: DetectionReading[][] = [];
    for (let b = 0; b < 5; b++) {
      const batch = [washer(`w-${b}`, b, { powerW: b }), washer(`w-${b}-x`, b, { [`m${b}`]: b })];
      for (const reading of batch) encoder.add(reading);
      const packed = encoder.take();
      if (b > 0) expect(packed.resetStrings).toBe(true);
      expect(decoder.decode(packed)).toEqual(batch);
      batches.push(batch);
    }
  });

  it('keep "__proto__" an own metric, never the prototype', () => {
    const encoder = new ReadingBatchEncoder();
    const metrics = JSON.parse('{"__proto__": 7, "powerW": 1}') as Record<string, number>;
    encoder.add(washer('w-1', 1, metrics));
    const [received] = send(encoder, new ReadingBatchDecoder());
    expect(Object.getPrototypeOf(received.metrics)).toBe(Object.prototype);
    expect(Object.keys(received.metrics)).toEqual(['__proto__', 'powerW']);
    expect(Object.getOwnPropertyDescriptor(received.metrics, '__proto__')?.value).toBe(7);
  });

  it('keep a small buffer between batches, not the one a burst grew', () => {
    const encoder = new ReadingBatchEncoder();
    const decoder = new ReadingBatchDecoder();
    const kept = encoder.bufferBytes;
    // a history's playback: 20,000 readings in one batch, 24 doubles each (1.5 MB)
    const burst = Array.from({ length: 20_000 }, (_, i) =>
      washer(`w-${i % 2_000}`, i, { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, k: i, m: 0 }),
    );
    for (const reading of burst) encoder.add(reading);
    expect(encoder.bufferBytes).toBeGreaterThanOrEqual(20_000 * 24 * 8);
    expect(send(encoder, decoder)).toEqual(burst);
    expect(encoder.bufferBytes).toBe(kept);
    // then batches as usual, in the buffer kept
    encoder.add(washer('w-1', 30_000, { a: 1 }));
    expect(send(encoder, decoder)).toEqual([washer('w-1', 30_000, { a: 1 })]);
    for (const reading of burst) encoder.add(reading);
    expect(encoder.takeReadings()).toEqual(burst);
    expect(encoder.bufferBytes).toBe(kept);
  });

  it('give the readings back unsent when the receiver is gone', () => {
    const encoder = new ReadingBatchEncoder();
    const decoder = new ReadingBatchDecoder();
    encoder.add(washer('w-1', 1, { powerW: 1 }));
    decoder.decode(encoder.take());
    encoder.add(washer('w-1', 2, { powerW: 2 }));
    encoder.add(washer('w-3', 3, { drumRpm: 3 }));
    expect(encoder.takeReadings()).toEqual([
      washer('w-1', 2, { powerW: 2 }),
      washer('w-3', 3, { drumRpm: 3 }),
    ]);
    expect(encoder.size).toBe(0);
  });

  it('round-trip any readings, however many and in however many batches', () => {
    const reading = fc.record({
      deviceId: fc.constantFrom('w-1', 'w-2', 'f-1', 'ac-7', 'dev-ü-1'),
      type: fc.constantFrom('washer', 'refrigerator', 'dishwasher'),
      tsMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      metrics: fc.dictionary(
        fc.constantFrom('powerW', 'drumRpm', 'cabinetC', 'inletTempC', 'x'),
        fc.double({ noNaN: true }),
        { maxKeys: 5 },
      ),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(reading, { maxLength: 40 }), { maxLength: 6 }),
        fc.nat(8),
        (batches, bound) => {
          const encoder = new ReadingBatchEncoder(bound + 1);
          const decoder = new ReadingBatchDecoder();
          for (const batch of batches) {
            for (const r of batch) encoder.add(r);
            expect(send(encoder, decoder)).toEqual(batch);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

import { DETECTOR_CONFIG } from '../detector/detector-config';
import { OnlineDetector } from '../detector/online-detector';
import { detectorConfigWith } from './nab-lofo';

/** A noisy daily cycle with a level shift at reading 1500. */
function stream(): { tsMs: number; value: number }[] {
  let seed = 7;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648 - 0.5;
  };
  return Array.from({ length: 2000 }, (_, i) => ({
    tsMs: Date.UTC(2026, 0, 5) + i * 300_000,
    value: 10 + 3 * Math.sin((2 * Math.PI * i) / 288) + noise() + (i >= 1500 ? 6 : 0),
  }));
}

function run(detector: OnlineDetector): { scores: number[]; flags: number[] } {
  const scores: number[] = [];
  const flags: number[] = [];
  for (const [i, r] of stream().entries()) {
    const out = detector.update(r.tsMs, { value: r.value });
    scores.push(out.score);
    if (out.isAnomaly) flags.push(i);
  }
  return { scores, flags };
}

describe('detector configuration override (for leave-one-family-out)', () => {
  it('behaves exactly as before when given DETECTOR_CONFIG, or nothing', () => {
    const plain = run(new OnlineDetector({ metrics: ['value'] }));
    const explicit = run(new OnlineDetector({ metrics: ['value'], config: DETECTOR_CONFIG }));
    expect(explicit).toEqual(plain);
    expect(plain.flags.some((i) => i >= 1500 && i < 1520)).toBe(true);
  });

  it('uses the choices it is given: a threshold no score reaches flags nothing', () => {
    const never = run(
      new OnlineDetector({ metrics: ['value'], config: detectorConfigWith({ threshold: 1.01 }) }),
    );
    expect(never.flags).toEqual([]);
    const shorter = run(
      new OnlineDetector({
        metrics: ['value'],
        config: detectorConfigWith({ likelihood: { shortWindow: 5 } }),
      }),
    );
    expect(shorter.scores).not.toEqual(run(new OnlineDetector({ metrics: ['value'] })).scores);
  });

  it('keeps its configuration through a save and restore', () => {
    const config = detectorConfigWith({ threshold: 1.01 });
    const d = new OnlineDetector({ metrics: ['value'], config });
    const rows = stream();
    for (const r of rows.slice(0, 1000)) d.update(r.tsMs, { value: r.value });
    const restored = OnlineDetector.fromJSON(d.toJSON(), { config });
    const flags = rows.slice(1000).filter((r) => restored.update(r.tsMs, { value: r.value }).isAnomaly);
    expect(flags).toEqual([]);
  });
});

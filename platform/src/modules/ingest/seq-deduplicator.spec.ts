import { SeqDeduplicator } from './seq-deduplicator';

describe('SeqDeduplicator', () => {
  it('drops a redelivered (seq, ts) and keeps new ones', () => {
    const dedup = new SeqDeduplicator();
    expect(dedup.isDuplicate('d1', 1, 1000)).toBe(false);
    expect(dedup.isDuplicate('d1', 2, 2000)).toBe(false);
    expect(dedup.isDuplicate('d1', 1, 1000)).toBe(true);
    expect(dedup.isDuplicate('d2', 1, 1000)).toBe(false);
  });

  it('hears a rebooted device whose seq starts again with new timestamps', () => {
    const dedup = new SeqDeduplicator();
    expect(dedup.isDuplicate('d1', 0, 1000)).toBe(false);
    expect(dedup.isDuplicate('d1', 0, 9000)).toBe(false);
  });

  it('remembers a bounded window per device', () => {
    const dedup = new SeqDeduplicator();
    for (let seq = 0; seq < 200; seq++) dedup.isDuplicate('d1', seq, seq * 10);
    expect(dedup.isDuplicate('d1', 199, 1990)).toBe(true);
    expect(dedup.isDuplicate('d1', 0, 0)).toBe(false);
  });
});

import { DEDUP_WINDOW, SeqDeduplicator } from './seq-deduplicator';

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
  it("keeps thousands of devices' windows apart, and a forgotten device's row starts afresh for the next", () => {
    const dedup = new SeqDeduplicator();
    const devices = Array.from({ length: 2_500 }, (_, i) => `d${i}`);
    for (let seq = 0; seq < 40; seq++) {
      for (const [i, id] of devices.entries())
        expect(dedup.isDuplicate(id, seq, i * 1_000 + seq)).toBe(false);
    }
    // each device's own last messages are known, another device's same (seq, ts) is not
    for (const [i, id] of devices.entries()) {
      expect(dedup.isDuplicate(id, 39, i * 1_000 + 39)).toBe(true);
      expect(dedup.isDuplicate(id, 20, i * 1_000 + 20)).toBe(true);
      const other = devices[(i + 1) % devices.length];
      expect(dedup.isDuplicate(other, 30, i * 1_000 + 30)).toBe(false);
    }
    dedup.forget('d1500');
    // a new device takes the forgotten row: nothing of d1500's window is in it
    expect(dedup.isDuplicate('new', 39, 1_500 * 1_000 + 39)).toBe(false);
    expect(dedup.isDuplicate('new', 38, 1_500 * 1_000 + 38)).toBe(false);
    // d1500 comes back with a clean window: its earlier messages are no longer known
    expect(dedup.isDuplicate('d1500', 39, 1_500 * 1_000 + 39)).toBe(false);
    expect(dedup.isDuplicate('d1499', 39, 1_499 * 1_000 + 39)).toBe(true);
  });
});

describe('SeqDeduplicator with a history', () => {
  /** A history that holds the given (seq, ts) pairs, counting how often it is asked. */
  const historyOf = (stored: Array<[number, number]>, newestStoredTsMs?: number) => {
    const asked: Array<[number, number]> = [];
    return {
      asked,
      history: {
        newestStoredTsMs: () => newestStoredTsMs,
        holds: (_deviceId: string, seq: number, tsMs: number) => {
          asked.push([seq, tsMs]);
          return stored.some(([s, t]) => s === seq && t === tsMs);
        },
      },
    };
  };

  it('judges a redelivery of a whole in-flight window (20 messages) without asking the history', () => {
    const { history, asked } = historyOf([]);
    const dedup = new SeqDeduplicator(history);
    for (let seq = 0; seq < 100; seq++) expect(dedup.isDuplicate('d1', seq, seq * 10)).toBe(false);
    // the device reconnects and resends what it had not seen acknowledged, oldest first
    for (let seq = 80; seq < 100; seq++) expect(dedup.isDuplicate('d1', seq, seq * 10)).toBe(true);
    expect(asked).toEqual([]);
    expect(DEDUP_WINDOW).toBeGreaterThanOrEqual(20);
    // one older than the window is asked about
    expect(dedup.isDuplicate('d1', 100 - DEDUP_WINDOW - 1, (100 - DEDUP_WINDOW - 1) * 10)).toBe(false);
    expect(asked).toEqual([[100 - DEDUP_WINDOW - 1, (100 - DEDUP_WINDOW - 1) * 10]]);
  });

  it('drops a replay older than its window when the history holds it, without asking for new messages', () => {
    const { history, asked } = historyOf([[10, 100]]);
    const dedup = new SeqDeduplicator(history);
    for (let seq = 0; seq < 200; seq++) expect(dedup.isDuplicate('d1', seq, seq * 10)).toBe(false);
    expect(asked).toEqual([]);
    expect(dedup.isDuplicate('d1', 10, 100)).toBe(true);
    expect(dedup.isDuplicate('d1', 11, 110)).toBe(false); // older, but not in the history: late, not a replay
    expect(asked).toEqual([
      [10, 100],
      [11, 110],
    ]);
    expect(dedup.isDuplicate('d1', 11, 110)).toBe(true); // now in the window
  });

  it('hears messages stamped the same millisecond with later seqs without asking', () => {
    const { history, asked } = historyOf([]);
    const dedup = new SeqDeduplicator(history);
    for (let seq = 0; seq < 100; seq++) expect(dedup.isDuplicate('d1', seq, 5000)).toBe(false);
    expect(asked).toEqual([]);
    expect(dedup.isDuplicate('d1', 0, 5000)).toBe(false); // rebooted within the same millisecond
    expect(asked).toEqual([[0, 5000]]);
  });

  it('after a restart, asks about anything up to the newest stored time and nothing after it', () => {
    const { history, asked } = historyOf([[7, 900]], 1000);
    const dedup = new SeqDeduplicator(history);
    expect(dedup.isDuplicate('d1', 7, 900)).toBe(true);
    expect(dedup.isDuplicate('d1', 8, 1000)).toBe(false);
    expect(dedup.isDuplicate('d1', 9, 1001)).toBe(false);
    expect(asked).toEqual([
      [7, 900],
      [8, 1000],
    ]);
  });
});

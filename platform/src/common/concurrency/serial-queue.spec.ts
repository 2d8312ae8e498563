import { KeyedQueue, SerialQueue } from './serial-queue';

describe('KeyedQueue', () => {
  it('runs work for one key in order and for different keys side by side', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let releaseA: () => void = () => undefined;
    const a1 = queue.run('a', () => new Promise<void>((r) => (releaseA = r)).then(() => log.push('a1')));
    const a2 = queue.run('a', async () => log.push('a2'));
    const b1 = queue.run('b', async () => log.push('b1'));
    await b1;
    expect(log).toEqual(['b1']);
    releaseA();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['b1', 'a1', 'a2']);
  });

  it('passes results and errors through, and settles once everything queued has run', async () => {
    const queue = new KeyedQueue();
    await expect(queue.run('k', async () => 7)).resolves.toBe(7);
    await expect(queue.run('k', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    let done = false;
    void queue.run('k', async () => {
      await new Promise((r) => setTimeout(r, 5));
      done = true;
    });
    await queue.settled();
    expect(done).toBe(true);
  });

  it('a serial queue runs in order, keeps going after a failure, and settles', async () => {
    const queue = new SerialQueue();
    const log: number[] = [];
    const first = queue.run(async () => {
      await new Promise((r) => setTimeout(r, 5));
      log.push(1);
    });
    const failing = queue.run(() => Promise.reject(new Error('disk full')));
    void queue.run(async () => log.push(3));
    await expect(failing).rejects.toThrow('disk full');
    await queue.settled();
    await first;
    expect(log).toEqual([1, 3]);
  });
});

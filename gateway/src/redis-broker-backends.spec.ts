import { redisConnectionOptions } from './redis-broker-backends';

describe('redisConnectionOptions', () => {
  it('reads host and port, and defaults the port to 6379', () => {
    expect(redisConnectionOptions('redis://127.0.0.1:6390')).toEqual({ host: '127.0.0.1', port: 6390 });
    expect(redisConnectionOptions('redis://cache.internal')).toEqual({ host: 'cache.internal', port: 6379 });
  });

  it('reads credentials (percent-decoded), the database number and TLS', () => {
    expect(redisConnectionOptions('rediss://app:p%40ss@cache:6380/3')).toEqual({
      host: 'cache',
      port: 6380,
      username: 'app',
      password: 'p@ss',
      db: 3,
      tls: {},
    });
    expect(redisConnectionOptions('redis://:secret@[::1]:6379')).toEqual({
      host: '::1',
      port: 6379,
      password: 'secret',
    });
  });

  it('refuses other schemes and a non-numeric database', () => {
    expect(() => redisConnectionOptions('http://cache:6379')).toThrow(/redis:\/\//);
    expect(() => redisConnectionOptions('redis://cache:6379/sessions')).toThrow(/database/);
  });
});

import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives the documented defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      mqttPort: 1883,
      simDevices: 50,
      adminEmail: 'admin@example.com',
    });
    expect(config.influxUrl).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
  });

  it('keeps the ingest write-ahead log on unless INGEST_WAL=false, and names a bad value', () => {
    expect(loadConfig({}).ingestWal).toBe(true);
    expect(loadConfig({ INGEST_WAL: 'false' }).ingestWal).toBe(false);
    expect(() => loadConfig({ INGEST_WAL: 'off' })).toThrow(/INGEST_WAL: true or false/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', INFLUX_URL: '' })).toMatchObject({ port: 3000, influxUrl: undefined });
  });

  it('reports every invalid key by name, together', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: '99999',
        INFLUX_URL: 'ftp://example',
        SIM_DEVICES: 'many',
        ADMIN_PASSWORD: 'short',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((issue) => issue.split(':')[0]).sort();
    expect(issues).toEqual(['ADMIN_PASSWORD', 'INFLUX_URL', 'PORT', 'SIM_DEVICES']);
    expect((error as ConfigError).message).toContain('PORT');
  });
});

import path from 'node:path';
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

  it('runs detection in a worker thread unless DETECTION_THREAD=main, and names a bad value', () => {
    expect(loadConfig({}).detectionThread).toBe('worker');
    expect(loadConfig({ DETECTION_THREAD: 'main' }).detectionThread).toBe('main');
    expect(() => loadConfig({ DETECTION_THREAD: 'gpu' })).toThrow(/DETECTION_THREAD: worker or main/);
    expect(loadConfig({}).detectorCheckpointMs).toBe(300_000);
    expect(loadConfig({ DETECTOR_CHECKPOINT_MS: '0' }).detectorCheckpointMs).toBe(0);
    expect(() => loadConfig({ DETECTOR_CHECKPOINT_MS: '-1' })).toThrow(/DETECTOR_CHECKPOINT_MS/);
    expect(loadConfig({}).detectorPagedProfiles).toBe(true);
    expect(loadConfig({ DETECTOR_PAGED_PROFILES: 'false' }).detectorPagedProfiles).toBe(false);
    expect(() => loadConfig({ DETECTOR_PAGED_PROFILES: 'no' })).toThrow(
      /DETECTOR_PAGED_PROFILES: true or false/,
    );
    expect(loadConfig({}).detectorParkAfterMs).toBe(1000);
    expect(loadConfig({ DETECTOR_PARK_AFTER_MS: '60000' }).detectorParkAfterMs).toBe(60_000);
    expect(loadConfig({ DETECTOR_PARK_AFTER_MS: '0' }).detectorParkAfterMs).toBe(0);
    expect(() => loadConfig({ DETECTOR_PARK_AFTER_MS: 'soon' })).toThrow(/DETECTOR_PARK_AFTER_MS/);
  });

  it('trims native memory every 15 s unless MEMORY_TRIM_INTERVAL_MS says otherwise, and names a bad value', () => {
    expect(loadConfig({}).memoryTrimIntervalMs).toBe(15_000);
    expect(loadConfig({ MEMORY_TRIM_INTERVAL_MS: '0' }).memoryTrimIntervalMs).toBe(0);
    expect(() => loadConfig({ MEMORY_TRIM_INTERVAL_MS: 'often' })).toThrow(/MEMORY_TRIM_INTERVAL_MS/);
    expect(() => loadConfig({ MEMORY_TRIM_INTERVAL_MS: '-5' })).toThrow(/MEMORY_TRIM_INTERVAL_MS/);
  });

  it('reads the telemetry retention keys, with defaults, and names a bad value', () => {
    const day = 86_400_000;
    expect(loadConfig({}).telemetryRetention).toEqual({
      rawMs: 30 * day,
      oneMinuteMs: 400 * day,
      oneHourMs: 5 * 365 * day,
    });
    expect(
      loadConfig({
        TELEMETRY_RAW_RETENTION: '48h',
        TELEMETRY_1M_RETENTION: '52w',
        TELEMETRY_1H_RETENTION: 'inf',
      }).telemetryRetention,
    ).toEqual({ rawMs: 2 * day, oneMinuteMs: 364 * day, oneHourMs: Infinity });
    expect(() => loadConfig({ TELEMETRY_RAW_RETENTION: '30 days' })).toThrow(
      /TELEMETRY_RAW_RETENTION: a duration/,
    );
    expect(() => loadConfig({ TELEMETRY_1H_RETENTION: '30m' })).toThrow(/TELEMETRY_1H_RETENTION/);
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

  it('reads the after-sales settings, and names a bad one', () => {
    expect(loadConfig({})).toMatchObject({
      surveyDelayMs: 2 * 3_600_000,
      compensationLimits: { engineer: 20_000, admin: 500_000 },
      approvalWarningLine: 20,
      tierRules: { vipMinSpendMinor12m: 500_000, vipMinActivity12m: 12 },
    });
    expect(
      loadConfig({
        COMPENSATION_LIMITS: 'engineer:5000',
        VIP_MIN_SPEND_MINOR: '100000',
        VIP_MIN_ACTIVITY: '3',
      }),
    ).toMatchObject({
      compensationLimits: { engineer: 5_000 },
      tierRules: { vipMinSpendMinor12m: 100_000, vipMinActivity12m: 3 },
    });
    expect(() => loadConfig({ COMPENSATION_LIMITS: 'engineer=5000' })).toThrow(
      /COMPENSATION_LIMITS: expected role:amount/,
    );
    expect(() => loadConfig({ VIP_MIN_ACTIVITY: '0' })).toThrow(/VIP_MIN_ACTIVITY/);
  });

  it('reads the KPI settings, and names a bad one', () => {
    expect(loadConfig({})).toMatchObject({ kpiEarlyFailureDays: 90, kpiLabourRateMinorPerHour: 4500 });
    expect(loadConfig({ KPI_EARLY_FAILURE_DAYS: '30', KPI_LABOUR_RATE_MINOR: '6000' })).toMatchObject({
      kpiEarlyFailureDays: 30,
      kpiLabourRateMinorPerHour: 6000,
    });
    expect(() => loadConfig({ KPI_EARLY_FAILURE_DAYS: '0' })).toThrow(/KPI_EARLY_FAILURE_DAYS/);
    expect(() => loadConfig({ KPI_LABOUR_RATE_MINOR: 'lots' })).toThrow(/KPI_LABOUR_RATE_MINOR/);
  });

  it('checks the KPI warning lines every 15 minutes unless told otherwise, and names a bad period', () => {
    expect(loadConfig({}).kpiWarningCheckMs).toBe(15 * 60_000);
    expect(loadConfig({ KPI_WARNING_CHECK_MS: '300000' }).kpiWarningCheckMs).toBe(300_000);
    expect(() => loadConfig({ KPI_WARNING_CHECK_MS: '500' })).toThrow(/KPI_WARNING_CHECK_MS/);
    expect(() => loadConfig({ KPI_WARNING_CHECK_MS: 'often' })).toThrow(/KPI_WARNING_CHECK_MS/);
  });

  it('generates 12 months of 200 demo tickets unless told otherwise, none with 0, and names a bad value', () => {
    expect(loadConfig({}).demoHistory).toEqual({ months: 12, ticketsPerMonth: 200 });
    expect(loadConfig({ DEMO_HISTORY_MONTHS: '0' }).demoHistory.months).toBe(0);
    expect(
      loadConfig({ DEMO_HISTORY_MONTHS: '3', DEMO_HISTORY_TICKETS_PER_MONTH: '50' }).demoHistory,
    ).toEqual({ months: 3, ticketsPerMonth: 50 });
    expect(() => loadConfig({ DEMO_HISTORY_MONTHS: '-1' })).toThrow(/DEMO_HISTORY_MONTHS/);
    expect(() => loadConfig({ DEMO_HISTORY_TICKETS_PER_MONTH: 'many' })).toThrow(
      /DEMO_HISTORY_TICKETS_PER_MONTH/,
    );
  });

  it('keeps retrained models under DATA_DIR/models, full size, 10 min shadow unless told otherwise', () => {
    const config = loadConfig({ DATA_DIR: '/var/lib/care' });
    expect(config.modelStoreDir).toBe(path.resolve('/var/lib/care/models'));
    expect(config.modelRetrainSize).toBe('full');
    expect(config.modelShadowMs).toBe(600_000);
    const set = loadConfig({
      MODEL_STORE_DIR: '/srv/models',
      MODEL_RETRAIN_SIZE: 'tiny',
      MODEL_SHADOW_MS: '0',
    });
    expect(set).toMatchObject({
      modelStoreDir: path.resolve('/srv/models'),
      modelRetrainSize: 'tiny',
      modelShadowMs: 0,
    });
    expect(() => loadConfig({ MODEL_RETRAIN_SIZE: 'huge' })).toThrow(/MODEL_RETRAIN_SIZE/);
    expect(() => loadConfig({ MODEL_SHADOW_MS: '-5' })).toThrow(/MODEL_SHADOW_MS/);
  });
});

import mqtt from 'mqtt';
import { startMosquitto } from '../support/mosquitto-server';
import type { TestPlatform } from '../support/platform-fixture';
import { log, round, type BenchWorker, type ProvisionedDevice } from './bench-support';
import type { PublishResult } from './bench-worker';
import { benchIngestThroughput } from './ingest-throughput.bench';

export interface BrokerRatioRun {
  devices: number;
  messagesPerDevice: number;
  inflightPerDevice: number;
  rounds: number;
}

export interface BrokerRatioRound {
  mosquittoDelivered: number;
  mosquittoMsgPerS: number;
  platformStored: number;
  platformLost: number;
  platformMsgPerS: number;
  ratio: number;
}

export interface BrokerRatioResult {
  name: 'ingest-vs-mosquitto';
  devices: number;
  messagesPerDevice: number;
  inflightPerDevice: number;
  qos: 1;
  /** Rounds of (mosquitto, then the platform), the same load generator and load each time. */
  rounds: BrokerRatioRound[];
  mosquittoMsgPerSMedian: number;
  platformMsgPerSMedian: number;
  /** Median of the rounds' ratios: messages the platform stored per second / mosquitto delivered. */
  ratioMedian: number;
  platformLost: number;
  platformCpuUsPerMsg: number;
  wal: boolean;
}

/**
 * The platform against a reference broker in one run: the same load generator (one MQTT client
 * per device, QoS 1, a fixed number of messages each kept in flight) publishes first through a
 * bare mosquitto to one QoS 1 subscriber, then into the platform, which validates, deduplicates,
 * logs for the durable PUBACK, stores and runs detection on every reading. mosquitto's rate is
 * messages delivered to the subscriber per second from the first publish to the last delivery;
 * the platform's, messages stored per second until the last is stored (benchIngestThroughput).
 */
export async function benchBrokerRatio(
  platform: TestPlatform,
  generator: BenchWorker,
  devices: ProvisionedDevice[],
  run: BrokerRatioRun,
): Promise<BrokerRatioResult> {
  const rounds: BrokerRatioRound[] = [];
  let cpuUs = 0;
  let lost = 0;
  // Round 0 warms both sides up (JIT, the devices' first readings: detector state, TensorFlow.js
  // loading with the first reading) and is not counted, except for anything it lost.
  for (let round = 0; round <= run.rounds; round++) {
    const warmUp = round === 0;
    const messagesPerDevice = warmUp ? Math.min(100, run.messagesPerDevice) : run.messagesPerDevice;
    const mosquittoMsgPerS = await throughMosquitto(generator, devices, { ...run, messagesPerDevice });
    await generator.call({ kind: 'connect-mqtt', brokerUrl: platform.mqttUrl, devices });
    const ingest = await benchIngestThroughput(
      `ingest-vs-mosquitto-${round}`,
      platform,
      generator,
      devices.length,
      {
        mode: 'max',
        durationS: 600,
        inflightPerDevice: run.inflightPerDevice,
        messagesPerDevice,
      },
    );
    await generator.call({ kind: 'disconnect-mqtt' });
    lost += ingest.lost;
    if (warmUp) {
      log(`ingest-vs-mosquitto: warm-up round done (${ingest.stored} stored, ${ingest.lost} lost)`);
      continue;
    }
    cpuUs += ingest.platformCpuUsPerMsg * ingest.stored;
    const entry = {
      mosquittoDelivered: mosquittoMsgPerS.delivered,
      mosquittoMsgPerS: mosquittoMsgPerS.perS,
      platformStored: ingest.stored,
      platformLost: ingest.lost,
      platformMsgPerS: ingest.achievedMsgPerS,
      ratio: round2(ingest.achievedMsgPerS / mosquittoMsgPerS.perS),
    };
    log(
      `ingest-vs-mosquitto: round ${round}: ${JSON.stringify(entry)} (CPU ${ingest.platformCpuUsPerMsg} µs a message, ${ingest.walSyncs} fsyncs of ${ingest.walMeanGroup} on average; platform CPU ${ingest.platformCpuPct} %, generator ${ingest.generatorCpuPct} %)`,
    );
    rounds.push(entry);
  }
  const stored = rounds.reduce((sum, r) => sum + r.platformStored, 0);
  return {
    name: 'ingest-vs-mosquitto',
    devices: devices.length,
    messagesPerDevice: run.messagesPerDevice,
    inflightPerDevice: run.inflightPerDevice,
    qos: 1,
    rounds,
    mosquittoMsgPerSMedian: median(rounds.map((r) => r.mosquittoMsgPerS)),
    platformMsgPerSMedian: median(rounds.map((r) => r.platformMsgPerS)),
    ratioMedian: round2(median(rounds.map((r) => r.ratio))),
    platformLost: lost,
    platformCpuUsPerMsg: round(cpuUs / Math.max(1, stored)),
    wal: platform.platform.ingestWal !== undefined,
  };
}

/** One pass of the load through a fresh mosquitto; messages delivered per second. */
async function throughMosquitto(
  generator: BenchWorker,
  devices: ProvisionedDevice[],
  run: BrokerRatioRun,
): Promise<{ delivered: number; perS: number }> {
  const broker = await startMosquitto();
  const subscriber = await mqtt.connectAsync(broker.url, {
    protocolVersion: 4,
    clientId: 'bench-subscriber',
    reconnectPeriod: 0,
    clean: true,
  });
  try {
    await subscriber.subscribeAsync('devices/+/telemetry', { qos: 1 });
    let delivered = 0;
    let lastMs = 0;
    subscriber.on('message', () => {
      delivered++;
      lastMs = performance.now();
    });
    await generator.call({ kind: 'connect-mqtt', brokerUrl: broker.url, devices });
    const startedMs = performance.now();
    const published = await generator.call<PublishResult>({
      kind: 'publish',
      mode: 'max',
      durationS: 600,
      inflightPerDevice: run.inflightPerDevice,
      messagesPerDevice: run.messagesPerDevice,
    });
    const deadline = Date.now() + 30_000;
    while (delivered < published.acked && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await generator.call({ kind: 'disconnect-mqtt' });
    if (delivered < published.acked) log(`mosquitto delivered ${delivered} of ${published.acked}`);
    return { delivered, perS: Math.round(delivered / ((lastMs - startedMs) / 1000)) };
  } finally {
    await subscriber.endAsync();
    await broker.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round2 = (value: number) => round(value, 2);

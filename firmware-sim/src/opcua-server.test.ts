/**
 * Medium test of `npm run sim -- --opcua-port`: the simulator CLI serves its fleet with a real
 * node-opcua server on loopback, read here by a real node-opcua client.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeIds, OPCUACertificateManager, OPCUAClient } from 'node-opcua';
import { freePort } from '../../tests/support/free-port';
import { simNodeId } from './opcua-server';
import { type CliIo, runSimulatorCli } from './simulator-cli';

describe('npm run sim -- --opcua-port', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sim-opcua-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves every metric and the error code of each appliance, and writes the gateway config', async () => {
    const credentials = join(dir, 'fleet.json');
    writeFileSync(
      credentials,
      JSON.stringify([
        { id: 'w-1', secret: 'sw', type: 'washer' },
        { id: 'r-1', secret: 'sr', type: 'refrigerator' },
      ]),
    );
    const port = await freePort();
    const gatewayConfig = join(dir, 'gateway.json');
    const reads: Array<{ value: unknown; sourceTs: number | undefined }> = [];
    const out: string[] = [];
    const io: CliIo = {
      stdout: (l) => out.push(l),
      stderr: () => undefined,
      // while the fleet runs, read it as an OPC UA client would; then ask the CLI to stop
      untilStopSignal: async () => {
        const client = OPCUAClient.create({
          endpointMustExist: false,
          connectionStrategy: { maxRetry: 3, initialDelay: 100, maxDelay: 500 },
          clientCertificateManager: new OPCUACertificateManager({ rootFolder: join(dir, 'client-pki') }),
        });
        await client.connect(`opc.tcp://127.0.0.1:${port}`);
        const session = await client.createSession();
        const startedAt = Date.now();
        // the first readings follow power-on by each device's phase offset (report interval 200 ms)
        for (let attempt = 0; attempt < 50; attempt++) {
          const [rpm, code, cabinet] = await session.read([
            { nodeId: simNodeId('w-1', 'drumRpm'), attributeId: AttributeIds.Value },
            { nodeId: simNodeId('w-1', 'errorCode'), attributeId: AttributeIds.Value },
            { nodeId: simNodeId('r-1', 'cabinetTempC'), attributeId: AttributeIds.Value },
          ]);
          reads.splice(
            0,
            reads.length,
            ...[rpm, code, cabinet].map((dv) => ({
              value: dv.value.value,
              sourceTs: dv.sourceTimestamp?.getTime(),
            })),
          );
          if ((reads[2].sourceTs ?? 0) >= startedAt && (reads[0].sourceTs ?? 0) >= startedAt) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await session.close();
        await client.disconnect();
        return 'SIGTERM';
      },
    };
    const code = await runSimulatorCli(
      [
        '--opcua-port',
        String(port),
        '--opcua-pki',
        join(dir, 'server-pki'),
        '--credentials-file',
        credentials,
        '--devices',
        '2',
        '--report-every-ms',
        '200',
        '--ground-truth',
        join(dir, 'gt.jsonl'),
        '--gateway-config',
        gatewayConfig,
      ],
      io,
    );
    expect(code).toBe(0);
    expect(typeof reads[0].value).toBe('number');
    expect(reads[1].value).toBe('');
    // a refrigerator cabinet is cold: a real reading, not the 0 placeholder
    expect(reads[2].value as number).toBeGreaterThan(0);
    expect(reads[2].value as number).toBeLessThan(15);
    expect(out.some((l) => l.includes(`"opcua":"opc.tcp://127.0.0.1:${port}"`))).toBe(true);
    const config = JSON.parse(readFileSync(gatewayConfig, 'utf8'));
    expect(config.servers).toEqual([
      { name: 'sim', endpoint: `opc.tcp://127.0.0.1:${port}`, securityMode: 'None' },
    ]);
    expect(config.devices[0]).toMatchObject({
      id: 'w-1',
      secret: 'sw',
      type: 'washer',
      samplingIntervalMs: 200,
    });
    expect(config.devices[0].mapping).toContainEqual({ nodeId: 'ns=1;s=w-1.drumRpm', metric: 'drumRpm' });
    expect(config.devices[1].mapping).toContainEqual({ nodeId: 'ns=1;s=r-1.errorCode', errorCode: true });
  });

  it('refuses --gateway-config without --opcua-port', async () => {
    const err: string[] = [];
    const io: CliIo = {
      stdout: () => undefined,
      stderr: (l) => err.push(l),
      untilStopSignal: () => Promise.resolve('SIGTERM'),
    };
    expect(await runSimulatorCli(['--gateway-config', join(dir, 'x.json')], io)).toBe(2);
    expect(err.join('\n')).toContain('--gateway-config needs --opcua-port');
  });
});

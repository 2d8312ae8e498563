import fs from 'node:fs';
import path from 'node:path';
import { forwardRateOf, GatewayConfigError, loadGatewayConfig, parseGatewayConfig } from './gateway-config';

function problems(text: string): string[] {
  try {
    parseGatewayConfig(text, 'gateway.config.json');
  } catch (error) {
    if (error instanceof GatewayConfigError) return error.problems;
    throw error;
  }
  throw new Error('config was accepted');
}

const washer = (id: string, mapping: unknown[], extra: Record<string, unknown> = {}) => ({
  id,
  secret: 's3cret',
  type: 'washer',
  mapping,
  ...extra,
});

const base = {
  mqtt: { url: 'mqtt://127.0.0.1:1883' },
  servers: [{ name: 'plant', endpoint: 'opc.tcp://127.0.0.1:4840' }],
  devices: [washer('w-1', [{ nodeId: 'ns=1;s=w-1.drumRpm', metric: 'drumRpm' }])],
};

describe('edge gateway config', () => {
  it('accepts the committed example and fills in the defaults', () => {
    const config = loadGatewayConfig(path.join(__dirname, '..', '..', 'example.config.json'));
    expect(config.devices.length).toBeGreaterThan(0);
    const minimal = parseGatewayConfig(JSON.stringify(base));
    expect(minimal.servers[0]).toMatchObject({ securityMode: 'None', acceptUnknownServerCertificate: false });
    expect(minimal.devices[0]).toMatchObject({ samplingIntervalMs: 1000, fw: '1.0.0' });
    expect(minimal.spool).toEqual({
      dir: './data/gateway/spool',
      maxBytesPerDevice: 64 * 1024 * 1024,
    });
    // unset, the forward rate is twice the devices' live rate, at least 500 messages/s
    expect(forwardRateOf(minimal)).toBe(500);
    const busy = {
      ...base,
      devices: Array.from({ length: 100 }, (_, i) =>
        washer(`w-${i}`, [{ nodeId: `ns=1;s=w-${i}.drumRpm`, metric: 'drumRpm' }], {
          samplingIntervalMs: 100,
        }),
      ),
    };
    expect(forwardRateOf(parseGatewayConfig(JSON.stringify(busy)))).toBe(2000);
    const set = { ...base, spool: { forwardRatePerS: 50 } };
    expect(forwardRateOf(parseGatewayConfig(JSON.stringify(set)))).toBe(50);
  });

  it('names the file, the line and the key path of an unknown metric', () => {
    const config = {
      ...base,
      devices: [
        washer('w-1', [{ nodeId: 'ns=1;s=w-1.drumRpm', metric: 'drumRpm' }]),
        washer('w-2', [{ nodeId: 'ns=1;s=w-2.drumRpm', metric: 'drumRpm' }]),
        washer('w-3', [
          { nodeId: 'ns=1;s=w-3.drumRpm', metric: 'drumRmp' },
          { nodeId: 'ns=1;s=w-3.errorCode', errorCode: true },
        ]),
      ],
    };
    const text = JSON.stringify(config, null, 2);
    const line = text.split('\n').findIndex((l) => l.includes('"drumRmp"')) + 1;
    expect(problems(text)).toEqual([
      `gateway.config.json:${line}: devices[2].mapping[0].metric: unknown metric "drumRmp" for washer (one of drumVibrationMmS, motorCurrentA, waterTempC, drainTimeS, drumRpm)`,
    ]);
  });

  it('reports every problem, each with its own path', () => {
    const config = {
      mqtt: { url: 'http://broker' },
      servers: [
        { name: 'a', endpoint: 'http://x', securityMode: 'None', securityPolicy: 'Basic256Sha256' },
        { name: 'a', endpoint: 'opc.tcp://h:4840', securityMode: 'Encrypt' },
      ],
      devices: [
        washer('w-1', [{ nodeId: 'not a node id', metric: 'drumRpm' }], { server: 'b' }),
        washer('w-1', [{ nodeId: 'ns=1;s=x', metric: 'drumRpm', errorCode: true }, { nodeId: 'i=85' }]),
        { id: 'f-1', secret: 'x', type: 'toaster', mapping: [] },
      ],
    };
    const found = problems(JSON.stringify(config, null, 2)).map((p) =>
      p.replace(/^gateway\.config\.json:\d+: /, ''),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^mqtt\.url: must be a broker URL/),
        expect.stringMatching(/^servers\[0\]\.endpoint: must be an opc\.tcp:\/\/ endpoint URL/),
        'servers[0].securityPolicy: securityMode None takes securityPolicy None, not Basic256Sha256',
        expect.stringMatching(/^servers\[1\]\.securityMode: /),
        expect.stringMatching(/^devices\[0\]\.mapping\[0\]\.nodeId: not an OPC UA node id: "not a node id"/),
        'devices[1].mapping[0]: give either "metric" or "errorCode": true',
        'devices[1].mapping[1]: give either "metric" or "errorCode": true',
        expect.stringMatching(/^devices\[2\]\.type: /),
        expect.stringMatching(/^devices\[2\]\.mapping: /),
      ]),
    );
  });

  it('checks references across the config: server names and device ids', () => {
    const config = {
      ...base,
      servers: [...base.servers, { name: 'plant', endpoint: 'opc.tcp://127.0.0.1:4841' }],
      devices: [
        washer('w-1', [{ nodeId: 'ns=1;s=a', metric: 'drumRpm' }], { server: 'plant' }),
        washer(
          'w-1',
          [
            { nodeId: 'ns=1;s=b', metric: 'drumRpm' },
            { nodeId: 'ns=1;s=c', metric: 'drumRpm' },
          ],
          {
            server: 'yard',
          },
        ),
      ],
    };
    const found = problems(JSON.stringify(config)).map((p) => p.replace(/^gateway\.config\.json:\d+: /, ''));
    expect(found.sort()).toEqual(
      [
        'servers[1].name: duplicate server name "plant" (also servers[0])',
        'devices[1].id: duplicate device id "w-1" (also devices[0])',
        'devices[1].server: unknown server "yard" (one of plant)',
        'devices[1].mapping[1].metric: metric "drumRpm" is already mapped by mapping[0]',
      ].sort(),
    );
  });

  it('says where a file is not JSON and where it cannot be read', () => {
    expect(problems('{"mqtt": ')[0]).toMatch(/^gateway\.config\.json: not valid JSON: /);
    const missing = path.join(__dirname, 'no-such.config.json');
    expect(fs.existsSync(missing)).toBe(false);
    expect(() => loadGatewayConfig(missing)).toThrow(/no-such\.config\.json: cannot read/);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './app-config';

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('loadConfig: TLS', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-config-'));
  const certFile = path.join(dir, 'server.crt');
  const keyFile = path.join(dir, 'server.key');
  fs.writeFileSync(certFile, 'cert');
  fs.writeFileSync(keyFile, 'key');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is off by default, with localhost and 127.0.0.1 as the server names', () => {
    expect(loadConfig({}).tls).toEqual({
      mqttsPort: undefined,
      httpsPort: undefined,
      certFile: undefined,
      keyFile: undefined,
      hostnames: ['localhost', '127.0.0.1'],
    });
  });

  it('reads the ports, the certificate files and more host names', () => {
    const config = loadConfig({
      MQTTS_PORT: '8883',
      HTTPS_PORT: '3443',
      TLS_CERT_FILE: certFile,
      TLS_KEY_FILE: keyFile,
      TLS_HOSTNAMES: 'care.example.com,10.0.0.5',
    });
    expect(config.tls).toEqual({
      mqttsPort: 8883,
      httpsPort: 3443,
      certFile,
      keyFile,
      hostnames: ['localhost', '127.0.0.1', 'care.example.com', '10.0.0.5'],
    });
  });

  it('stops the start naming a certificate file that does not exist, and a bad port', () => {
    const issues = issuesOf({
      TLS_CERT_FILE: path.join(dir, 'missing.crt'),
      TLS_KEY_FILE: dir,
      MQTTS_PORT: '70000',
    });
    expect(issues.map((issue) => issue.split(':')[0]).sort()).toEqual([
      'MQTTS_PORT',
      'TLS_CERT_FILE',
      'TLS_KEY_FILE',
    ]);
    expect(issues.join('\n')).toMatch(/TLS_CERT_FILE: no such file/);
  });

  it('needs the key with the certificate and the other way round', () => {
    expect(issuesOf({ TLS_CERT_FILE: certFile })).toEqual(['TLS_KEY_FILE: required with TLS_CERT_FILE']);
    expect(issuesOf({ TLS_KEY_FILE: keyFile })).toEqual(['TLS_CERT_FILE: required with TLS_KEY_FILE']);
  });

  it('refuses a host name list that is not one', () => {
    expect(issuesOf({ TLS_HOSTNAMES: 'a b,,c' })[0]).toMatch(/^TLS_HOSTNAMES: /);
  });
});

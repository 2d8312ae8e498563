import { type CliIo, runSimulatorCli } from './simulator-cli';

function captureIo() {
  const err: string[] = [];
  const io: CliIo = {
    stdout: () => undefined,
    stderr: (l) => err.push(l),
    untilStopSignal: () => Promise.resolve('SIGTERM'),
  };
  return { io, err };
}

describe('runSimulatorCli TLS flags', () => {
  it.each([
    [['--ca', '/tmp/ca.pem'], '--ca needs an mqtts:// --broker'],
    [['--cert-auth', '--broker', 'mqtt://127.0.0.1:1883'], '--cert-auth needs an mqtts:// --broker'],
    [
      ['--broker', 'mqtts://127.0.0.1:8883', '--ca', '/nonexistent/ca.pem'],
      '--ca: cannot read /nonexistent/ca.pem',
    ],
  ])('exits 2 naming the problem for %j', async (argv, message) => {
    const { io, err } = captureIo();
    expect(await runSimulatorCli(argv, io)).toBe(2);
    expect(err.join('\n')).toContain(message);
  });
});

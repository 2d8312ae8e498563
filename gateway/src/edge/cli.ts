import { runGatewayCli } from './gateway-cli';

runGatewayCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // node-opcua keeps timers (certificate manager, reconnection) that outlive a clean stop.
    if (code === 0) setTimeout(() => process.exit(code), 500).unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `gateway: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);

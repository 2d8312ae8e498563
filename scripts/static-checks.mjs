// The static checks of `npm test`, two at a time: the lint beside one compile of everything (the
// typecheck, tests included, whose output in dist/ is also the build the browser tests need: one
// tsc run instead of two) and the browser app's build. Each one's output is printed whole when it ends, so the two do
// not interleave; the first failure is reported, and both always run to the end.
import { spawn } from 'node:child_process';

const lanes = [['lint'], ['typecheck-and-build']];

function run(script) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => out.push(chunk));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      process.stdout.write(`\n> npm run ${script} (${seconds} s)\n${Buffer.concat(out).toString()}`);
      resolve(code === 0 ? 0 : (code ?? (signal ? 1 : 1)));
    });
  });
}

const results = await Promise.all(
  lanes.map(async (lane) => {
    for (const script of lane) {
      const code = await run(script);
      if (code !== 0) return { script, code };
    }
    return null;
  }),
);
const failed = results.filter((r) => r !== null);
for (const f of failed) console.error(`npm run ${f.script} failed with exit code ${f.code}`);
process.exit(failed.length > 0 ? 1 : 0);

import * as path from 'node:path';

/**
 * TensorFlow.js is loaded by initTf, not on import: it costs ~30 MB of memory, which a process
 * that never runs a model (a platform with no device yet) does not need to pay.
 */
export type Tf = typeof import('@tensorflow/tfjs');
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface TfRuntime {
  tf: Tf;
  backend: TfBackendName;
}

export interface InitTfOptions {
  /** Skip tfjs-node and wasm, e.g. to compare numbers across backends. */
  forceCpu?: boolean;
  log?: (line: string) => void;
}

let runtime: Promise<TfRuntime> | undefined;

/**
 * Picks the fastest TensorFlow.js backend available on this machine, once per process:
 * tfjs-node when it happens to be installed (native libtensorflow), else the SIMD wasm
 * backend (2-4x the pure-JS cpu backend here), else cpu.
 */
export function initTf(options: InitTfOptions = {}): Promise<TfRuntime> {
  runtime ??= selectBackend(options);
  return runtime;
}

async function selectBackend(options: InitTfOptions): Promise<TfRuntime> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as Tf;
  if (!options.forceCpu) {
    if (tryRequire('@tensorflow/tfjs-node') && (await trySetBackend(tf, 'tensorflow'))) {
      log('[tf] backend: tensorflow (tfjs-node)');
      return { tf, backend: 'tensorflow' };
    }
    const wasm = tryRequire('@tensorflow/tfjs-backend-wasm') as
      { setWasmPaths: (prefix: string) => void } | undefined;
    if (wasm) {
      // Node has no fetch of relative URLs: point the loader at the .wasm files on disk.
      const distDir = path.dirname(
        require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
      );
      wasm.setWasmPaths(`${distDir}${path.sep}`);
      if (await trySetBackend(tf, 'wasm')) {
        log('[tf] backend: wasm');
        return { tf, backend: 'wasm' };
      }
      log('[tf] wasm backend failed to initialise; falling back to cpu');
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  log('[tf] backend: cpu');
  return { tf, backend: 'cpu' };
}

function tryRequire(id: string): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id);
  } catch {
    return undefined;
  }
}

async function trySetBackend(tf: Tf, name: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

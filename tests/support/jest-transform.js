// @swc/jest, with module-level constants for the built-in globals our hot paths call put on the
// first line of each of our own compiled sources. Jest runs each test file in a vm context whose global
// object answers every lookup through an interceptor V8 cannot optimise through, so `Math.exp`
// in a loop cost ~4x what it costs in plain Node (the fleet false-alarm test: 39 s against 11 s).
// A constant bound once per module turns each of those lookups into a local one. Nothing is
// replaced, only looked up earlier; on the first line, so source maps and stack traces keep their
// line numbers. node_modules are left as they are.
const { createTransformer: createSwcTransformer } = require('@swc/jest');

const GLOBALS = [
  'Math',
  'Number',
  'Object',
  'Array',
  'String',
  'JSON',
  'Map',
  'Set',
  'Float64Array',
  'Float32Array',
  'Int32Array',
  'Uint32Array',
  'Uint8Array',
  'Infinity',
  'NaN',
];
const PRELUDE = `const ${GLOBALS.map((name) => `${name} = globalThis.${name}`).join(', ')};`;

/** swc's CommonJS output, with the constants on its first line, after any "use strict". */
function withPrelude(result, filename) {
  if (filename.includes('/node_modules/')) return result;
  const code = result.code;
  const directive = /^(['"])use strict\1;/.exec(code);
  const at = directive ? directive[0].length : 0;
  return { ...result, code: code.slice(0, at) + PRELUDE + code.slice(at) };
}

module.exports = {
  createTransformer(options) {
    const swc = createSwcTransformer(options);
    return {
      ...swc,
      process: (src, filename, jestOptions) => withPrelude(swc.process(src, filename, jestOptions), filename),
      processAsync: async (src, filename, jestOptions) =>
        withPrelude(await swc.processAsync(src, filename, jestOptions), filename),
      getCacheKey: (src, filename, ...rest) => `${swc.getCacheKey(src, filename, ...rest)}:${PRELUDE}`,
    };
  },
};

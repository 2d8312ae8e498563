/** Medium test. Real: Debian's headless chromium (/usr/bin/chromium) driven by playwright-core. */
import { renderPng } from './render-png';

describe('renderPng', () => {
  it('rasterises an SVG to a PNG of the requested size', async () => {
    const png = await renderPng({
      width: 120,
      height: 80,
      svg: '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect width="60" height="80" fill="#f00"/></svg>',
    });
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    // IHDR: width and height are big-endian at bytes 16 and 20.
    expect(png.readUInt32BE(16)).toBe(120);
    expect(png.readUInt32BE(20)).toBe(80);
  });
});

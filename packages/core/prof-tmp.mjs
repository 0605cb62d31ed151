import { analyze } from './dist/index.js';
const t = performance.now();
const a = await analyze(process.argv[2], { tempDir: '/tmp' });
console.error((performance.now() - t) | 0, 'ms', JSON.stringify(a.timings));

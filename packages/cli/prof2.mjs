import { decodeMutatingWebhookConfiguration } from '../core/dist/k8s/webhooks.js';
import { iterateLatest } from '../core/dist/scan/latest.js';
import { scanWebhooks } from '../core/dist/scan/webhooks.js';
import { openCopy } from '../core/dist/sqlite/open.js';

const mb = (b) => (b / 1048576).toFixed(0);
const db = openCopy(process.argv[2], 'x');
const r = () =>
  `rss ${mb(process.memoryUsage().rss)} max ${mb(process.resourceUsage().maxRSS * 1024)} heap ${mb(process.memoryUsage().heapTotal)}`;
console.log('open', r());
const mode = process.argv[3];
if (mode === 'iterate' || mode === 'iterate-gc') {
  let n = 0,
    i = 0;
  for (const v of iterateLatest(db, process.argv[4] ?? '/registry/mutatingwebhookconfigurations/')) {
    n += v.bytes;
    if (mode === 'iterate-gc' && ++i % 200 === 0) globalThis.gc();
  }
  console.log(n);
} else if (mode === 'decode') {
  let n = 0;
  for (const v of iterateLatest(db, '/registry/mutatingwebhookconfigurations/'))
    n += decodeMutatingWebhookConfiguration(v.value).webhooks.length;
  console.log(n);
} else {
  const s = scanWebhooks(db);
  console.log(s.summary.total);
}
console.log(mode, r());

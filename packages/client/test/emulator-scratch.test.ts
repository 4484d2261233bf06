import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'vitest';
import { API_PATHS, startEmulator } from '../src/testing/index.js';
it('scratch', async () => {
const e = await startEmulator({ apiKey: 'k' });
const u = new URL(e.url + API_PATHS.submit);
const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'multipart/form-data; boundary=XX', 'content-length': '100000' } });
req.on('error', () => {});
req.write('--XX\r\nContent-Disposition: form-data; name="model"; filename="a.glb"\r\nContent-Type: application/octet-stream\r\n\r\n' + 'a'.repeat(5000));
await sleep(100);
req.destroy();
await sleep(100);
const t = Date.now();
await Promise.race([e.close(), sleep(3000).then(() => { console.log('HANG'); })]);
console.log('closed in', Date.now() - t, e.stats());
});

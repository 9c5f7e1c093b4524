// Served throughput of `rl4vlm serve`: a `tfjs:tiny` policy behind the chat-completions server,
// driven by the OpenAIPolicy client at concurrency 1, 8 and 32 over loopback.
// Run: pnpm --filter @rl4vlm/policy-openai bench   (after pnpm build)
import os from 'node:os';
import { createImage } from '@rl4vlm/env';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import { createChatServer, listen, OpenAIPolicy } from '../dist/index.js';

const MAX_NEW_TOKENS = 32;
const policy = await TfjsPolicy.create('tiny');
const server = createChatServer({ policy, modelName: 'tiny', maxBatch: 32, batchWindowMs: 5 });
const { url } = await listen(server);
const frame = createImage(300, 300, [53, 101, 77]);
const prompt = (i) => ({
  text: `USER: <image>\nYou are playing number line. Request ${i}. ASSISTANT:`,
  images: [frame],
});

const rows = [];
for (const concurrency of [1, 8, 32]) {
  const client = new OpenAIPolicy({
    model: 'tiny',
    baseURL: url,
    concurrency,
    maxRetries: 0,
    timeoutMs: 600_000,
  });
  const requests = Math.max(16, concurrency * 4);
  await client.generate([prompt(-1)], { temperature: 1, maxNewTokens: MAX_NEW_TOKENS, seed: 0 }); // warm-up
  const t0 = performance.now();
  const replies = await client.generate(
    Array.from({ length: requests }, (_, i) => prompt(i)),
    { temperature: 1, maxNewTokens: MAX_NEW_TOKENS, seed: 1 },
  );
  const seconds = (performance.now() - t0) / 1000;
  const tokens = replies.reduce((n, r) => n + r.logProbs.length, 0);
  rows.push({
    concurrency,
    requests,
    seconds: +seconds.toFixed(2),
    'requests/s': +(requests / seconds).toFixed(2),
    'generated tokens/s': +(tokens / seconds).toFixed(1),
  });
}
server.close();
console.log(
  `served tfjs:tiny, ${MAX_NEW_TOKENS} new tokens max, 300×300 image; ${os.cpus()[0]?.model} ×${os.cpus().length}, Node ${process.version}`,
);
console.table(rows);
const base = rows[0];
for (const r of rows.slice(1))
  console.log(
    `concurrency ${r.concurrency}: ${(r['requests/s'] / base['requests/s']).toFixed(2)}× the requests/s of concurrency 1`,
  );

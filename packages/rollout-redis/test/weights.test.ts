import * as tf from '@tensorflow/tfjs-core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisOptions } from '../src/connection.js';
import { applyWeights, encodeWeights, publishWeights, sha256, WeightsCache } from '../src/weights.js';
import { makeTestPolicy } from './fixtures/test-env.js';

describe('weights as a safetensors blob', () => {
  it('round-trips every trainable variable bit for bit, and refuses another architecture', () => {
    const a = makeTestPolicy({ seed: 1 });
    const b = makeTestPolicy({ seed: 2 });
    expect(Array.from(b.table.dataSync())).not.toEqual(Array.from(a.table.dataSync()));
    const blob = encodeWeights(a);
    applyWeights(b, blob);
    for (const [x, y] of a.trainableVariables().map((v, i) => [v, b.trainableVariables()[i]!] as const))
      expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    const other = { trainableVariables: () => [tf.variable(tf.zeros([2, 3]))] };
    expect(() => applyWeights(other, blob)).toThrow(/3 tensors.*1 trainable variables/);
    const sameCount = {
      trainableVariables: () => a.trainableVariables().map(() => tf.variable(tf.zeros([1]))),
    };
    expect(() => applyWeights(sameCount, blob)).toThrow(/tensor v0000 has shape \[\d+,\d+\].*\[1\]/);
  });

  it('a worker refuses a file whose hash is not the published one', async () => {
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/w-`);
    const blob = encodeWeights(makeTestPolicy({ seed: 1 }));
    const redis = new Redis({
      ...redisOptions({ url: 'redis://127.0.0.1:1' }, 'learner'),
      lazyConnect: true,
    });
    const ref = await publishWeights(redis, { kind: 'file', dir }, 'run', 0, blob);
    expect(ref.sha256).toBe(sha256(blob));
    expect(await new WeightsCache().get(redis, ref)).toEqual(blob);
    (await import('node:fs')).writeFileSync(
      ref.location.kind === 'file' ? ref.location.path : '',
      blob.subarray(1),
    );
    await expect(new WeightsCache().get(redis, ref)).rejects.toThrow(
      /sha256 .* does not match the published/,
    );
    redis.disconnect();
  });
});

describe('redisOptions', () => {
  it('reads host, port, db, user and password from the URL, and TLS from rediss://', () => {
    const o = redisOptions({ url: 'rediss://me:p%40ss@example.org:6390/2' }, 'learner');
    expect(o).toMatchObject({ host: 'example.org', port: 6390, db: 2, username: 'me', password: 'p@ss' });
    expect(o.tls).toMatchObject({ rejectUnauthorized: true, servername: 'example.org' });
    expect(redisOptions({ url: 'redis://h' }, 'worker')).toMatchObject({
      port: 6379,
      tls: undefined,
      maxRetriesPerRequest: null,
    });
    expect(redisOptions({ url: 'redis://h', password: 'x' }, 'worker').password).toBe('x');
  });

  it('names what is allowed when the URL is wrong', () => {
    expect(() => redisOptions({ url: 'http://h:1' }, 'worker')).toThrow(
      /protocol 'http:'.*redis:\/\/ or rediss:\/\//,
    );
    expect(() => redisOptions({ url: 'localhost' }, 'worker')).toThrow(/not a URL/);
    expect(() => redisOptions({ url: 'redis://h/x' }, 'worker')).toThrow(/database 'x'/);
  });
});

import { OraclePolicy, RandomPolicy } from '@rl4vlm/policy';
import { describe, expect, it } from 'vitest';
import { oracleDataConfigSchema } from '../src/config.js';
import { buildOracleDataset, type NoiseTarget, oracleDatasetFromConfig } from '../src/oracle-dataset.js';
import { makeNumberLine, oracleReply } from './fixtures/number-line.js';

/** A dataset where 70% of the steps are played by a policy that always says "+". */
const build = (noiseTarget?: NoiseTarget) =>
  buildOracleDataset({
    env: makeNumberLine(),
    teacher: new OraclePolicy((_p, info) => oracleReply(info)),
    noisePolicy: new RandomPolicy({ labels: ['+'], format: (l) => `{"thoughts":"up","action":"${l}"}` }),
    noise: 0.7,
    noiseTarget,
    episodes: 30,
    seed: 3,
  });

describe('buildOracleDataset noiseTarget', () => {
  it("'teacher' visits the states the noise leads to but records the teacher's reply there", async () => {
    const played = await build('noise');
    const relabelled = await build('teacher');
    // Same env trajectories: the env is stepped with the noise reply either way.
    expect(relabelled.map((e) => e.prompt.text)).toEqual(played.map((e) => e.prompt.text));
    // The default records the noise: some targets disagree with the teacher at their state.
    const wrong = played.filter((e) => e.target !== oracleReply(e.info!));
    expect(wrong.length).toBeGreaterThan(played.length / 10);
    // Relabelled: every target is the teacher's, including at states past the goal that an
    // expert-only dataset reaches less often (the noise keeps pushing up).
    for (const e of relabelled) expect(e.target).toBe(oracleReply(e.info!));
    const above = relabelled.filter((e) => (e.info!.Current as number) > (e.info!.Target as number));
    expect(above.length).toBeGreaterThan(0);
    expect(above.every((e) => e.target.includes('"-"'))).toBe(true);
  });

  it("defaults to 'noise', today's behaviour", async () => {
    const byDefault = await build();
    const played = await build('noise');
    expect(byDefault.map((e) => e.target)).toEqual(played.map((e) => e.target));
  });
});

describe('oracleDatasetFromConfig', () => {
  const fromConfig = (seed: number | null, runSeed = 3) =>
    oracleDatasetFromConfig({
      env: makeNumberLine(),
      oracle: (_p, info) => oracleReply(info),
      data: oracleDataConfigSchema.parse({ episodes: 20, noise: 0.3, seed }),
      runSeed,
      noiseLabels: ['+', '-'],
    });
  const starts = (examples: { prompt: { text: string } }[]) => examples.map((e) => e.prompt.text);

  it('plays the run seed’s episodes when data.seed is null, and other episodes under another data.seed', async () => {
    const byRunSeed = await fromConfig(null);
    expect(starts(await fromConfig(3))).toEqual(starts(byRunSeed)); // null means the run seed
    expect(starts(await fromConfig(null, 4))).not.toEqual(starts(byRunSeed));
    // A second round with data.seed 4 sees the same episodes as a run seeded 4, whatever its run seed.
    const second = await fromConfig(4);
    expect(starts(second)).toEqual(starts(await fromConfig(null, 4)));
    expect(starts(second)).not.toEqual(starts(byRunSeed));
  });
});

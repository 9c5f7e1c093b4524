import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodePng, Rng } from '@rl4vlm/env';
import { RandomPolicy } from '@rl4vlm/policy';
import { NOISE_TARGETS, type NoiseTarget } from '@rl4vlm/trainer';
import { type Command, Option } from 'commander';
import { requireOracle } from '../plugins/index.js';
import { type CommonFlags, legalLabels, makeTextEnv, setup } from '../setup.js';
import { addEnvFlags, int } from './env-flags.js';

interface SftDataFlags extends CommonFlags {
  out: string;
  episodes: number;
  noise: number;
  noiseTarget: NoiseTarget;
  maxSteps: number;
}

/** One line of `data.jsonl`: LLaVA's conversation format plus the step's facts. */
export interface SftDataLine {
  id: string;
  env: string;
  seed: number;
  step: number;
  image: string;
  prompt: string;
  reply: string;
  fromOracle: boolean;
  /** The reply the env was stepped with, where it is not `reply` (a noise step under `--noise-target teacher`). */
  played?: string;
  conversations: { from: 'human' | 'gpt'; value: string }[];
}

/** Writes oracle transcripts of `episodes` seeded episodes as JSON lines + one PNG per prompt. */
export async function writeSftData(flags: SftDataFlags): Promise<{ lines: number; file: string }> {
  const { config, registry } = await setup(flags);
  const env = makeTextEnv(registry, config.env);
  const oracle = requireOracle(registry, config.env.id, { text: config.env.text, kwargs: config.env.kwargs });
  const noisy = new RandomPolicy({ seed: config.seed, labels: legalLabels(registry, config.env) });
  const rng = new Rng(config.seed);
  mkdirSync(path.join(flags.out, 'images'), { recursive: true });
  const out: string[] = [];
  for (let e = 0; e < flags.episodes; e++) {
    const seed = config.seed * 100_000 + e;
    let { observation, info } = await env.reset({ seed });
    for (let t = 0; t < flags.maxSteps; t++) {
      const prompt = env.prompt(observation, info);
      const noiseStep = flags.noise > 0 && rng.float() < flags.noise;
      const played = noiseStep
        ? (await noisy.generate([{ ...prompt, info } as never]))[0]!.text
        : await oracle(prompt, info);
      const fromOracle = !noiseStep || flags.noiseTarget === 'teacher';
      const reply = noiseStep && fromOracle ? await oracle(prompt, info) : played;
      const id = `ep${e}-step${t}`;
      const image = `images/${id}.png`;
      if (prompt.images[0]) writeFileSync(path.join(flags.out, image), encodePng(prompt.images[0]));
      const line: SftDataLine = {
        id,
        env: config.env.id,
        seed,
        step: t,
        image,
        prompt: prompt.text,
        reply,
        fromOracle,
        ...(played !== reply ? { played } : {}),
        conversations: [
          { from: 'human', value: prompt.text },
          { from: 'gpt', value: reply },
        ],
      };
      out.push(JSON.stringify(line));
      const step = await env.step(played);
      ({ observation, info } = step);
      if (step.terminated || step.truncated) break;
    }
  }
  const file = path.join(flags.out, 'data.jsonl');
  writeFileSync(file, `${out.join('\n')}\n`);
  await env.close();
  return { lines: out.length, file };
}

export function registerSftData(program: Command): void {
  addEnvFlags(
    program
      .command('sft-data')
      .description(
        "write an env's oracle transcripts (prompt, image, ideal reply) as JSON lines + PNG images for SFT",
      ),
    { policy: false },
  )
    .option('-o, --out <dir>', 'output folder', 'sft-data')
    .option('-n, --episodes <n>', 'episodes to play', int, 100)
    .option(
      '--noise <p>',
      'share of steps answered by a random legal action instead (an imperfect teacher)',
      Number,
      0,
    )
    .addOption(
      new Option(
        '--noise-target <who>',
        "what a noise step records: the random reply played, or the oracle's reply to that state (DART-style recovery data)",
      )
        .choices(NOISE_TARGETS)
        .default('noise'),
    )
    .option('--max-steps <n>', 'cap on steps per episode', int, 50)
    .addHelpText(
      'after',
      `
Output: <out>/data.jsonl, one line per step in LLaVA's conversation format
  {"id", "env", "seed", "step", "image": "images/<id>.png", "prompt", "reply", "fromOracle", "conversations": [...]}

Examples:
  $ rl4vlm sft-data --env gym-cards/NumberLine-v0 -n 200 -o data/numberline
  $ rl4vlm sft-data --env gym-cards/Points24-v0 --noise 0.1 --set env.text.cot=false
  $ rl4vlm sft-data --preset alfworld --noise 0.2 --noise-target teacher -n 500 -o data/alfworld-dart`,
    )
    .action(async (flags: SftDataFlags) => {
      const { lines, file } = await writeSftData(flags);
      console.log(
        `Wrote ${lines} examples from ${flags.episodes} episodes to ${file} (images in ${path.join(flags.out, 'images')})`,
      );
    });
}

// Renders the README pictures from the built package: node scripts/render-docs.mjs
import { writeFileSync } from 'node:fs';
import { encodePng } from '@rl4vlm/env';
import { HouseholdEnv } from '../dist/index.js';

const env = new HouseholdEnv({ taskTypes: ['Heat'], imageSize: 300 });
let { info } = env.reset({ seed: 4 });
const frames = [env.render()];
const log = [];
while (info.expertCommand) {
  const command = info.expertCommand;
  const step = env.step(command);
  log.push(`> ${command}\n${step.observation.text}`);
  frames.push(env.render());
  info = step.info;
}
const pick = [0, 2, frames.length - 3, frames.length - 1];
for (const [k, i] of pick.entries()) {
  writeFileSync(new URL(`../docs/household-${k}.png`, import.meta.url), encodePng(frames[i]));
}
console.log(env.reset({ seed: 4 }).observation.text + '\n\n' + log.join('\n'));

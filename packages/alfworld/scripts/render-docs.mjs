// Renders the README pictures from the built package: node scripts/render-docs.mjs
import { writeFileSync } from 'node:fs';
import { encodePng, frameStrip } from '@rl4vlm/env';
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
// One strip for the README: start, at the microwave, heated, placed (the win).
const strip = frameStrip([frames[0], frames[2], frames[frames.length - 3], frames[frames.length - 1]], {
  gap: 6,
});
writeFileSync(new URL('../docs/household-episode.png', import.meta.url), encodePng(strip));
writeFileSync(new URL('../docs/household-frame.png', import.meta.url), encodePng(frames[frames.length - 3]));
console.log(env.reset({ seed: 4 }).observation.text + '\n\n' + log.join('\n'));

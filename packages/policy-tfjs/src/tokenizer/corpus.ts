/**
 * Text the built-in presets' tokenizers are fitted to: prompts and replies in the shape of the
 * RL4VLM tasks (paraphrased; spec §2.2), so common phrases become single tokens. Any other text
 * still encodes, character by character.
 */
const SYSTEM =
  "A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.";

const wrap = (task: string) => `${SYSTEM} USER: <image>\n${task} ASSISTANT:`;

const TASKS = [
  'You are playing a game called number line. You will see a target number and a current number in the image. And your goal is to move the current number closer to the target by choosing either adding or subtracting one to the current number. Your response should be a valid json file in the following format:\n{\n"current number": "x",\n"target number": "x",\n"thoughts": "{first read out the current and target number, then think carefully about which action to choose}",\n"action": "-" or "+"\n}',
  'You are a blackjack player. You are observing the current game state, you can choose between [\'stand\', \'hit\']. Your response should be a valid json file in the following format:\n{\n"thoughts": "{first describe your total points and the dealer\'s total points then think about which action to choose}",\n"action": "stand" or "hit"\n}',
  "You are an expert card game player. You are observing two cards in the image. You are observing the current formula: '{formula}'. You can choose between ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '+', '*', '=']. The number or operator you choose will be appended to the current formula. Note that 'J', 'Q', and 'K' count as '10'. Your goal is to output a formula that evaluates to 12, and each number can only be used once. Your response should be a valid json file in the following format:\n\\{\n\"cards\": [x, y],\n\"current formula\": '{formula}',\n\"thoughts\": {First check whether the current formula 'z' is complete. If the current formula 'z' is complete, output '='. Otherwise consider which number or operator should be appended to the current formula to make it equal 12.}\n\"action\": \"{number}\" or \"{operator}\"\n\\}",
  "You are an expert 24 points card game player. You are observing thee four cards in the image. You are observing the current formula: '{formula}'. You can choose between ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '+', '-', '*', '/', '(', ')', '=']. The number or operator you choose will be appended to the current formula. Note that 'J', 'Q', and 'K' count as '10'. Your goal is to output a formula that evaluates to 24, and each number can only be used once. Your response should be a valid json file in the following format:\n\\{\n\"cards\": [x, y, z, w],\n\"current formula\": '{formula}',\n\"thoughts\": {First check whether the current formula equals 24. If the current formula equals 24, output '='. Otherwise consider which number or operator should be appended to the current formula to make it equal 24.}\n\"action\": \"{number}\" or \"{operator}\"\n\\}",
  'You are an expert in the ALFRED Embodied Environment. You are also given the following text description of the current scene: {scene}. Your task is to {goal}. Your admissible actions of the current situation are: [\n "go to cabinet 1",\n "go to countertop 1",\n "open fridge 1",\n "take apple 1 from countertop 1",\n "put apple 1 in/on fridge 1",\n "look",\n "inventory"]. Your response should be a valid json file in the following format:\n\\{\n"thoughts": "{first describe what do you see in the image using the text description, then carefully think about which action to complete the task.}",\n"action": "{an admissible action}"\n\\}',
];

const REPLIES = [
  (a: number, b: number) =>
    `{\n"current number": "${a}",\n"target number": "${b}",\n"thoughts": "The current number is ${a} and the target number is ${b}. The current number is ${a < b ? 'smaller' : 'larger'} than the target, so I should ${a < b ? 'add' : 'subtract'} one.",\n"action": "${a < b ? '+' : '-'}"\n}`,
  (a: number, b: number) =>
    `{\n"thoughts": "I have ${a} points and the dealer has ${b} points. I should ${a < 17 ? 'hit' : 'stand'}.",\n"action": "${a < 17 ? 'hit' : 'stand'}"\n}`,
  (a: number, b: number) =>
    `{\n"cards": [${a}, ${b}],\n"current formula": '${a}+',\n"thoughts": "The current formula is not complete. I should append ${b} to the formula.",\n"action": "${b}"\n}`,
  (a: number, b: number) =>
    `{\n"cards": [${a}, ${b}, ${a}, ${b}],\n"current formula": '(${a}*',\n"thoughts": "The current formula does not equal 24 yet. I should append '*' to the formula.",\n"action": "*"\n}`,
  (a: number, _b: number) =>
    `{\n"thoughts": "I see a cabinet ${a} and a countertop. To complete the task I should go to countertop ${a}.",\n"action": "go to countertop ${a}"\n}`,
];

/** The corpus: every task prompt, and replies with a spread of numbers. */
export function builtinCorpus(): string[] {
  const texts = TASKS.map(wrap);
  for (let a = 0; a < 12; a++) for (const reply of REPLIES) texts.push(reply(a, (a * 7 + 3) % 12));
  return texts;
}

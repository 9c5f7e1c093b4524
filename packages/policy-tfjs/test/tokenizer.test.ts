import { Tokenizer } from '@huggingface/tokenizers';
import { tokenRangeOfChars } from '@rl4vlm/policy';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BpeTokenizer, builtinCorpus } from '../src/index.js';

const tok = BpeTokenizer.fit(builtinCorpus(), { vocabSize: 512 });
const printable = fc.string({
  unit: fc.constantFrom(...'abcdefghij "{}:,.+-0123456789\n<>/ASTUERimage'.split('')),
  maxLength: 80,
});

describe('BpeTokenizer', () => {
  it('fits to the requested size and compresses the prompts it was fitted to', () => {
    expect(tok.vocabSize).toBe(512);
    const prompt = builtinCorpus()[0]!;
    expect(tok.encode(prompt).length).toBeLessThan(prompt.length / 4);
  });

  it('round-trips any text, maps <image> to its id, and spells digits one by one', () => {
    fc.assert(
      fc.property(printable, (text) => {
        const ids = tok.encode(text);
        expect(tok.decode(ids)).toBe(
          text
            .replaceAll('<image>', '')
            .replaceAll('</s>', '')
            .replaceAll('<pad>', '')
            .replaceAll('<unk>', ''),
        );
      }),
    );
    expect(tok.encode('x<image>y')).toContain(tok.imageId);
    expect(tok.encode('"action": "1234"').filter((id) => /^\d$/.test(tok.vocab[id]!))).toHaveLength(4);
  });

  it('gives offsets that locate "action": in the decoded text', () => {
    const ids = [...tok.encode('{"thoughts": "go up", "action": "+"}'), tok.eosId];
    const { text, offsets } = tok.decodeWithOffsets(ids);
    offsets.forEach(([s, e], i) => {
      expect(text.slice(s, e)).toBe(i === ids.length - 1 ? '' : tok.vocab[ids[i]!]);
    });
    const at = text.lastIndexOf('"action":');
    const [first, last] = tokenRangeOfChars(offsets, at, at + 9)!;
    expect(tok.decode(ids.slice(first, last))).toContain('"action":');
  });

  it('writes a standard tokenizer.json that @huggingface/tokenizers reads to the same ids', () => {
    const json = tok.toJSON();
    const hf = new Tokenizer(json, {});
    fc.assert(
      fc.property(printable, (text) => {
        const ours = tok.encode(text);
        expect(hf.encode(text, { add_special_tokens: false }).ids).toEqual(ours);
        if (ours.length)
          expect(hf.decode(ours, { skip_special_tokens: true, clean_up_tokenization_spaces: false })).toBe(
            tok.decode(ours),
          );
      }),
      { numRuns: 60 },
    );
    const back = BpeTokenizer.fromJSON(JSON.parse(JSON.stringify(json)));
    expect(back.encode(builtinCorpus()[1]!)).toEqual(tok.encode(builtinCorpus()[1]!));
  });
});

import { describe, expect, it } from 'vitest';
import { buildGramWasm } from '../../../../scripts/build-wasm.mjs';
import { GRAM_WASM_BASE64 } from './gramWasm';

describe('gramWasm.ts', () => {
  it('holds the bytes that gram.wat builds to (run `node scripts/build-wasm.mjs` after edits)', async () => {
    const built = await buildGramWasm();
    expect(Buffer.from(GRAM_WASM_BASE64, 'base64').equals(Buffer.from(built))).toBe(true);
  });
});

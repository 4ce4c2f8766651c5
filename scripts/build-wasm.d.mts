export const WAT_PATH: string;
export const OUT_PATH: string;
export function buildGramWasm(): Promise<Uint8Array>;

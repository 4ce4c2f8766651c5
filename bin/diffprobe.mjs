#!/usr/bin/env node
// The diffprobe CLI. Node cannot run the TypeScript in cli/ by itself, so tsx (a dependency)
// compiles it on the fly through its ESM API.
let tsImport;
try {
  ({ tsImport } = await import('tsx/esm/api'));
} catch {
  process.stderr.write(
    'diffprobe: the CLI needs the "tsx" package; run `npm install` in the diffprobe folder\n',
  );
  process.exit(1);
}
const { main } = await tsImport('../cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));

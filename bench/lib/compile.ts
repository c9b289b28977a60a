/**
 * The helper processes run as plain JavaScript: transpiled here (no type check, like ts-node's
 * transpile-only) into the run's temp folder. Loading ts-node in a helper would add the TypeScript
 * compiler to its memory and start-up, which matters for the bare Nest app (its boot time and VmHWM
 * are floors). The helpers find the project's packages through NODE_PATH.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return typeScriptFiles(path);
    return entry.endsWith('.ts') && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

/** Transpiles every `.ts` file under `benchDir` into `outDir`, keeping the folder layout. */
export function transpileBench(benchDir: string, outDir: string): void {
  for (const file of typeScriptFiles(benchDir)) {
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        sourceMap: false,
      },
    });
    const target = join(outDir, relative(benchDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
}

/**
 * The TypeScript snippets of README.md and docs/*.md, and a type check of them with the compiler API: each
 * ```ts block is a module of its own under the repository root, where `sluice`, `sluice/transforms` and
 * `sluice/testing` resolve to the sources. A block may leave out imports of the SDK's exports (they are added
 * for names it uses and does not declare) and may use the variables of `doc-snippets-prelude.d.ts` (a pipeline
 * `p`, some PCollections) without declaring them. A block marked ```ts no-check is a fragment and skipped.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** One ```ts block: where it is and its code. */
export interface Snippet {
  /** `docs/guide.md:283`: the file and the line of the opening fence. */
  readonly where: string;
  readonly code: string;
  /** Marked ```ts no-check. */
  readonly skipped: boolean;
}

/** The documentation files whose snippets are checked. */
export function docFiles(): string[] {
  const docs = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);
  return ["README.md", ...docs.sort()];
}

/** The ```ts blocks of a Markdown file (fences may be indented, as in a list; the indent is removed). */
export function snippetsOf(file: string): Snippet[] {
  const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\b(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.slice(Math.min(indent, lines[j]!.length - lines[j]!.trimStart().length)));
    out.push({ where: `${file}:${i + 1}`, code: body.join("\n"), skipped: /\bno-check\b/.test(open[3]!) });
    i = j;
  }
  return out;
}

const ENTRIES: Readonly<Record<string, string>> = {
  sluice: "sdk/index.ts",
  "sluice/transforms": "transforms/index.ts",
  "sluice/testing": "sdk/testing/index.ts",
};

const PRELUDE = path.join(ROOT, "test/docs/doc-snippets-prelude.d.ts");

/** A type error in a snippet, located in the Markdown file. */
export interface SnippetError {
  readonly where: string;
  readonly message: string;
}

/** Type-checks the snippets; returns the errors, each at its Markdown line. */
export function checkSnippets(snippets: readonly Snippet[]): SnippetError[] {
  const options = compilerOptions();
  const checked = snippets.filter((s) => !s.skipped);
  const names = checked.map((_, i) => path.join(ROOT, `.doc-snippets/snippet-${i}.ts`));
  const exported = exportedNames(options);
  let sources = checked.map((s) => `export {};\n${s.code}\n`);
  let diagnostics = diagnose(names, sources, options);
  // Add the imports a snippet leaves out: every unknown name that an entry point exports.
  sources = sources.map((source, i) => {
    const missing = new Set<string>();
    for (const d of diagnostics.get(names[i]!) ?? []) {
      const name = /^Cannot find name '([^']+)'/.exec(ts.flattenDiagnosticMessageText(d.messageText, "\n"))?.[1];
      if (name !== undefined && exported.has(name)) missing.add(name);
    }
    if (missing.size === 0) return source;
    const byModule = new Map<string, string[]>();
    for (const name of missing) {
      const { module, typeOnly } = exported.get(name)!;
      byModule.set(module, [...(byModule.get(module) ?? []), typeOnly ? `type ${name}` : name]);
    }
    return [...byModule].map(([m, ns]) => `import { ${ns.join(", ")} } from "${m}";`).join(" ") + source.slice("export {};".length);
  });
  diagnostics = diagnose(names, sources, options);
  const errors: SnippetError[] = [];
  checked.forEach((snippet, i) => {
    const [file, line] = snippet.where.split(":") as [string, string];
    for (const d of diagnostics.get(names[i]!) ?? []) {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      // Line 0 is the added `export {}` or imports; the snippet's first line is the fence's next.
      errors.push({ where: `${file}:${Number(line) + Math.max(at, 1)}`, message: ts.flattenDiagnosticMessageText(d.messageText, " ") });
    }
  });
  return errors;
}

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return {
    ...parsed.options,
    noEmit: true,
    baseUrl: ROOT,
    paths: Object.fromEntries(Object.entries(ENTRIES).map(([m, file]) => [m, [file]])),
    noUnusedLocals: false,
    noUnusedParameters: false,
  };
}

/** Each exported name of the entry points, with the module to import it from. */
function exportedNames(options: ts.CompilerOptions): Map<string, { readonly module: string; readonly typeOnly: boolean }> {
  const program = ts.createProgram(Object.values(ENTRIES).map((f) => path.join(ROOT, f)), options);
  const checker = program.getTypeChecker();
  const out = new Map<string, { readonly module: string; readonly typeOnly: boolean }>();
  for (const [m, file] of Object.entries(ENTRIES)) {
    const source = program.getSourceFile(path.join(ROOT, file));
    const symbol = source && checker.getSymbolAtLocation(source);
    for (const e of symbol ? checker.getExportsOfModule(symbol) : []) {
      const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      if (!out.has(e.name)) out.set(e.name, { module: m, typeOnly: (target.flags & ts.SymbolFlags.Value) === 0 });
    }
  }
  return out;
}

/** The diagnostics of each snippet file, compiled together with the prelude (and what they import). */
function diagnose(names: readonly string[], sources: readonly string[], options: ts.CompilerOptions): Map<string, readonly ts.Diagnostic[]> {
  const virtual = new Map(names.map((n, i) => [n, sources[i]!]));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => virtual.get(path.resolve(f)) ?? readFile(f);
  host.fileExists = (f) => virtual.has(path.resolve(f)) || fileExists(f);
  host.getSourceFile = (f, lang, onError, create) => {
    const text = virtual.get(path.resolve(f));
    return text !== undefined ? ts.createSourceFile(f, text, lang, true) : getSourceFile(f, lang, onError, create);
  };
  const program = ts.createProgram([...names, PRELUDE], options, host);
  const out = new Map<string, readonly ts.Diagnostic[]>();
  for (const name of names) {
    const source = program.getSourceFile(name)!;
    out.set(name, [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]);
  }
  return out;
}

/**
 * One ts-morph Project per analysis run, holding every file of every service.
 *
 * The Project uses no lib files and no @types: the analyser needs symbols (which declaration an
 * identifier refers to, across imports), not types, and the analysed project's dependencies may not be
 * installed. Files are added by following relative imports from each service's entry file (static
 * `import`/`export ... from`, `import()` and `require()` with a literal path); node_modules are never
 * added. All files are added before the first symbol lookup, so the type checker is built once.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { Node, Project, SyntaxKind, ts, type SourceFile } from 'ts-morph';
import { autoloadsIn } from './autoload.js';
import type { Warning } from './model.js';

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** `./x.js` in TypeScript source names `./x.ts` (NodeNext); try those first. */
const SPECIFIER_REWRITES: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
};

export function createProject(): Project {
  return new Project({
    compilerOptions: {
      allowJs: true,
      checkJs: false,
      noLib: true,
      types: [],
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noEmit: true,
      // Decorators parse the same either way; legacy ones (NestJS's, parameter decorators included) are
      // what a service's checker accepts when its own tsconfig sets experimentalDecorators
      // (decoratorSettingsOf reads that tsconfig; the analysis reads decorators whatever it says).
      experimentalDecorators: true,
    },
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    skipLoadingLibFiles: true,
    // Only relative imports resolve: packages (and their types) stay out, so the analysis is the same
    // whether or not the analysed project's dependencies are installed, and the checker stays small.
    resolutionHost: (host, getCompilerOptions) => ({
      resolveModuleNames: (names, containingFile) =>
        names.map((name) => {
          const path = resolveRelative(containingFile, name);
          if (!path) return undefined;
          return ts.resolveModuleName(name, containingFile, getCompilerOptions(), host).resolvedModule ?? { resolvedFileName: path, extension: extensionOf(path), isExternalLibraryImport: false };
        }),
    }),
  });
}

function extensionOf(path: string): ts.Extension {
  const ext = extname(path);
  return ({ '.ts': ts.Extension.Ts, '.tsx': ts.Extension.Tsx, '.mts': ts.Extension.Mts, '.cts': ts.Extension.Cts, '.jsx': ts.Extension.Jsx, '.mjs': ts.Extension.Mjs, '.cjs': ts.Extension.Cjs } as Record<string, ts.Extension>)[ext] ?? ts.Extension.Js;
}

const packageRoots = new Map<string, string>();

/** The nearest directory above `file` holding a package.json (the call identity's rule). */
export function packageRootOf(file: string): string {
  const start = dirname(file);
  const cached = packageRoots.get(start);
  if (cached !== undefined) return cached;
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) break;
    const parent = dirname(dir);
    if (parent === dir) {
      dir = start;
      break;
    }
    dir = parent;
  }
  packageRoots.set(start, dir);
  return dir;
}

/** A file's name as stack signatures spell it: relative to its package root, forward slashes. */
export function relativeName(file: string): string {
  return relative(packageRootOf(file), file).split('\\').join('/');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface DecoratorSettings {
  /** The tsconfig.json read: the nearest one above the file (absolute), undefined when there is none. */
  tsconfig?: string;
  experimentalDecorators: boolean;
  emitDecoratorMetadata: boolean;
}

/** The decorator settings of the nearest tsconfig.json above a file, its `extends` chain followed. */
export function decoratorSettingsOf(file: string): DecoratorSettings {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    const tsconfig = join(dir, 'tsconfig.json');
    if (isFile(tsconfig)) {
      const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
      // Only the options matter: no file of the tsconfig's `include` is listed.
      const host: ts.ParseConfigHost = { useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames, readDirectory: () => [], fileExists: ts.sys.fileExists, readFile: ts.sys.readFile };
      const options = read.config ? ts.parseJsonConfigFileContent(read.config, host, dir, undefined, tsconfig).options : {};
      return { tsconfig, experimentalDecorators: options.experimentalDecorators === true, emitDecoratorMetadata: options.emitDecoratorMetadata === true };
    }
    if (dirname(dir) === dir) return { experimentalDecorators: false, emitDecoratorMetadata: false };
  }
}

/** Resolves a relative module specifier to a project source file path, or undefined. */
export function resolveRelative(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return undefined;
  const base = resolve(dirname(fromFile), specifier);
  const ext = extname(base);
  const stem = ext ? base.slice(0, -ext.length) : base;
  const candidates = [
    ...(SPECIFIER_REWRITES[ext] ?? []).map((e) => stem + e),
    base,
    ...SOURCE_EXTENSIONS.map((e) => base + e),
    ...SOURCE_EXTENSIONS.map((e) => join(base, 'index' + e)),
  ];
  return candidates.find((c) => SOURCE_EXTENSIONS.includes(extname(c)) && !c.endsWith('.d.ts') && isFile(c));
}

/** The module specifiers a file loads: imports, re-exports, dynamic import() and require() of literals. */
export function moduleSpecifiers(sf: SourceFile): string[] {
  const out: string[] = [];
  for (const d of sf.getImportDeclarations()) out.push(d.getModuleSpecifierValue());
  for (const d of sf.getExportDeclarations()) {
    const s = d.getModuleSpecifierValue();
    if (s) out.push(s);
  }
  for (const call of sf.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const isLoader = callee.getKind() === SyntaxKind.ImportKeyword || (Node.isIdentifier(callee) && callee.getText() === 'require');
    const [arg] = call.getArguments();
    if (isLoader && arg && (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg))) out.push(arg.getLiteralValue());
  }
  return out;
}

/** The parse errors of a file, as warnings (the file is still analysed as far as it parsed). */
function syntaxWarnings(sf: SourceFile): Warning[] {
  const diagnostics = (sf.compilerNode as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diagnostics.map((d) => {
    const line = d.start !== undefined ? sf.compilerNode.getLineAndCharacterOfPosition(d.start).line + 1 : 1;
    return { file: relativeName(sf.getFilePath()), line, message: `syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}` };
  });
}

/**
 * Adds the entry file and every project file it imports, transitively, in depth-first import order
 * (the order codes are discovered in). Returns them entry first.
 */
export function addServiceFiles(project: Project, entry: string, warnings: Warning[]): SourceFile[] {
  const ordered: SourceFile[] = [];
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    let sf = project.getSourceFile(path);
    if (!sf) {
      sf = project.addSourceFileAtPath(path);
      warnings.push(...syntaxWarnings(sf));
    }
    ordered.push(sf);
    for (const specifier of moduleSpecifiers(sf)) {
      const target = resolveRelative(path, specifier);
      if (target) visit(target);
      else if (specifier.startsWith('.')) {
        warnings.push({ file: relativeName(path), line: 1, message: `cannot find the imported file ${JSON.stringify(specifier)}; not analysed` });
      }
    }
    // Folders @fastify/autoload loads: their files are the service's though nothing imports them.
    const warn = (node: Node, message: string) => warnings.push({ file: relativeName(path), line: node.getStartLineNumber(), message });
    for (const autoload of autoloadsIn(sf, warn)) for (const file of autoload.files) visit(file.path);
  };
  visit(resolve(entry));
  return ordered;
}

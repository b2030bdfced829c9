/**
 * Which declaration a name refers to, across files, and which package an imported name comes from.
 * Declarations come from the Project's symbols (project files only: packages are not loaded, so a name
 * imported from a package stays an import, which `importOf` reads syntactically).
 */
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { Node, SyntaxKind, type SourceFile } from 'ts-morph';

export type FunctionLike = Node & { getParameters(): Node[] };

const declarations = new Map<Node, Node | undefined>();

/** The declaration `node` (an identifier, or a property access's name) refers to, through imports. */
export function declarationOf(node: Node): Node | undefined {
  if (declarations.has(node)) return declarations.get(node);
  let found: Node | undefined;
  try {
    const parent = node.getParent();
    // `{ method }`: the name stands for the variable of that name, not for the property.
    let symbol = Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === node ? node.getProject().getTypeChecker().getShorthandAssignmentValueSymbol(parent) : node.getSymbol();
    if (symbol?.isAlias()) {
      const aliased = symbol.getAliasedSymbol();
      if (aliased && aliased.getDeclarations().length > 0) symbol = aliased;
    }
    found = symbol?.getDeclarations()[0];
  } catch {
    found = undefined;
  }
  declarations.set(node, found);
  return found;
}

/** `Node.isXxx` for every function shape that has parameters and a body. */
export function isFunctionLike(node: Node | undefined): node is FunctionLike {
  return (
    !!node &&
    (Node.isFunctionDeclaration(node) ||
      Node.isFunctionExpression(node) ||
      Node.isArrowFunction(node) ||
      Node.isMethodDeclaration(node) ||
      Node.isConstructorDeclaration(node))
  );
}

/** The function a declaration stands for: itself, or the function a variable/property is initialised with. */
export function functionOf(declaration: Node | undefined): FunctionLike | undefined {
  if (!declaration) return undefined;
  if (isFunctionLike(declaration)) return declaration;
  if (Node.isVariableDeclaration(declaration) || Node.isPropertyAssignment(declaration)) {
    const init = unwrap(declaration.getInitializer());
    if (isFunctionLike(init)) return init;
  }
  return undefined;
}

/** The function a call calls, when it is a project function. */
export function calledFunction(call: Node): FunctionLike | undefined {
  if (!Node.isCallExpression(call) && !Node.isNewExpression(call)) return undefined;
  const callee = call.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : callee;
  if (!Node.isIdentifier(name)) return undefined;
  return functionOf(declarationOf(name));
}

/** Strips parentheses, `as`, `satisfies`, `!` and `<T>` casts. */
export function unwrap<T extends Node | undefined>(node: T): T {
  let n: Node | undefined = node;
  while (
    n &&
    (Node.isParenthesizedExpression(n) ||
      Node.isAsExpression(n) ||
      Node.isSatisfiesExpression(n) ||
      Node.isNonNullExpression(n) ||
      Node.isTypeAssertion(n) ||
      Node.isAwaitExpression(n))
  ) {
    n = n.getExpression();
  }
  return n as T;
}

export interface ImportedName {
  module: string;
  /** `default`, `*` (a namespace), or the exported name. */
  name: string;
}

function requiredModule(node: Node | undefined): string | undefined {
  const init = unwrap(node);
  if (!init || !Node.isCallExpression(init)) return undefined;
  const callee = init.getExpression();
  const [arg] = init.getArguments();
  if (Node.isIdentifier(callee) && callee.getText() === 'require' && arg && Node.isStringLiteral(arg)) return arg.getLiteralValue();
  return undefined;
}

/** Where a local name was imported from (ESM import or CommonJS require), from its declaration. */
function importOfDeclaration(decl: Node): ImportedName | undefined {
  if (Node.isImportSpecifier(decl)) {
    return { module: decl.getImportDeclaration().getModuleSpecifierValue(), name: decl.getName() };
  }
  if (Node.isImportClause(decl)) return { module: decl.getFirstAncestorByKindOrThrow(SyntaxKind.ImportDeclaration).getModuleSpecifierValue(), name: 'default' };
  if (Node.isNamespaceImport(decl)) {
    return { module: decl.getFirstAncestorByKindOrThrow(SyntaxKind.ImportDeclaration).getModuleSpecifierValue(), name: '*' };
  }
  if (Node.isVariableDeclaration(decl)) {
    const module = requiredModule(decl.getInitializer());
    if (module) return { module, name: 'default' };
  }
  if (Node.isBindingElement(decl)) {
    const variable = decl.getFirstAncestorByKind(SyntaxKind.VariableDeclaration);
    const module = variable && requiredModule(variable.getInitializer());
    if (module) return { module, name: decl.getPropertyNameNode()?.getText() ?? decl.getName() };
  }
  return undefined;
}

/** The import an identifier refers to, if it refers to one (found by name in its file as a fallback). */
export function importOf(identifier: Node): ImportedName | undefined {
  if (!Node.isIdentifier(identifier)) return undefined;
  let local: Node | undefined;
  try {
    local = identifier.getSymbol()?.getDeclarations()[0];
  } catch {
    local = undefined;
  }
  const imported = local ? importOfDeclaration(local) : importByName(identifier.getSourceFile(), identifier.getText());
  return imported && { ...imported, module: packageName(imported.module, identifier.getSourceFile().getFilePath()) };
}

const packageNames = new Map<string, string>();

/**
 * The package a bare specifier installs, by the name in its package.json: an npm alias
 * (`"node-fetch-v2": "npm:node-fetch@2"`) is the package it aliases. Looked up in the node_modules folders
 * above the importing file, as Node resolves it; the specifier itself when nothing is found.
 */
function packageName(specifier: string, fromFile: string): string {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || isBuiltin(specifier)) return specifier;
  const parts = specifier.split('/');
  const pkg = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  const rest = specifier.slice(pkg.length);
  for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
    const key = `${dir}\u0000${pkg}`;
    let name = packageNames.get(key);
    if (name === undefined) {
      try {
        name = (JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { name?: string }).name ?? '';
      } catch {
        name = '';
      }
      packageNames.set(key, name);
    }
    if (name) return name + rest;
    if (dirname(dir) === dir) return specifier;
  }
}

function importByName(sf: SourceFile, name: string): ImportedName | undefined {
  for (const d of sf.getImportDeclarations()) {
    if (d.getDefaultImport()?.getText() === name) return { module: d.getModuleSpecifierValue(), name: 'default' };
    if (d.getNamespaceImport()?.getText() === name) return { module: d.getModuleSpecifierValue(), name: '*' };
    const spec = d.getNamedImports().find((s) => (s.getAliasNode() ?? s.getNameNode()).getText() === name);
    if (spec) return { module: d.getModuleSpecifierValue(), name: spec.getName() };
  }
  return undefined;
}

/** `node:http` and `http` are the same module. */
export function moduleName(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}

/** The leftmost identifier of `a.b(c).d`, if any. */
export function rootIdentifier(node: Node): Node | undefined {
  let n: Node | undefined = unwrap(node);
  while (n) {
    if (Node.isIdentifier(n)) return n;
    if (Node.isPropertyAccessExpression(n) || Node.isElementAccessExpression(n) || Node.isCallExpression(n)) n = unwrap(n.getExpression());
    else return undefined;
  }
  return undefined;
}

/** The innermost function (or the file, for module code) that contains a node. */
export function enclosingFunction(node: Node): FunctionLike | undefined {
  return node.getFirstAncestor((a) => isFunctionLike(a)) as FunctionLike | undefined;
}

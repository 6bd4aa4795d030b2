// Rewrites a bundled declaration file so that types inferred from a bundled library's schemas
// (`type WebhookEvent = z.infer<typeof WebhookEventSchema>`) become the plain object types they stand for,
// and the library's import goes away. The runtime code bundles zod; the published types must not need it.
// Inlining zod's own declarations instead (rollup-plugin-dts `respectExternal`) would publish some 900
// lines of zod internals that consumers never use, so the types are expanded with TypeScript's checker.
import { dirname } from 'node:path';
import ts from '@typescript/typescript6';

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
};
const FLAGS = ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.MultilineObjectLiterals | ts.NodeBuilderFlags.IgnoreErrors;

/** The local names bound by a top-level import whose module the predicate selects. */
function importedNames(statement: ts.ImportDeclaration): string[] {
  const clause = statement.importClause;
  if (!clause) return [];
  const names = clause.name ? [clause.name.text] : [];
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
  if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.map((element) => element.name.text));
  return names;
}

function mentions(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (ts.isIdentifier(node) && names.has(node.text)) return true;
  return ts.forEachChild(node, (child) => mentions(child, names) || undefined) ?? false;
}

/** The names a declaration file exports through `export { … }` / `export type { … }` lists. */
function exportedNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.add((element.propertyName ?? element.name).text);
    }
  }
  return names;
}

/**
 * Returns `code` (the declarations of `fileName`, resolved from its folder) with every type alias or
 * interface that mentions a name imported from a `library` module replaced by its expanded type, the
 * library's schema constants and imports removed. Throws when the library's types would still be needed.
 */
export function inlineInferredTypes(code: string, fileName: string, library: RegExp): string {
  const host = ts.createCompilerHost(OPTIONS);
  const readSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === fileName ? ts.createSourceFile(name, code, languageVersion, true) : readSourceFile(name, languageVersion, ...rest);
  host.getCurrentDirectory = () => dirname(fileName);
  const program = ts.createProgram([fileName], OPTIONS, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(fileName)!;
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });

  const libraryNames = new Set<string>();
  const edits: { start: number; end: number; text: string }[] = [];
  const remove = (node: ts.Node) => edits.push({ start: node.getFullStart(), end: node.getEnd(), text: '' });
  for (const statement of source.statements) {
    if (
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      library.test(statement.moduleSpecifier.text)
    ) {
      importedNames(statement).forEach((name) => libraryNames.add(name));
      remove(statement);
    }
  }
  if (libraryNames.size === 0) return code;

  const exported = exportedNames(source);
  for (const statement of source.statements) {
    if ((ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) && mentions(statement, libraryNames)) {
      if (statement.typeParameters) throw new Error(`${fileName}: cannot expand the generic type ${statement.name.text}`);
      const type = checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(statement.name)!);
      const node = checker.typeToTypeNode(type, undefined, FLAGS);
      if (!node) throw new Error(`${fileName}: cannot expand the type ${statement.name.text}`);
      // From getStart(): the declaration's doc comment stays.
      edits.push({
        start: statement.getStart(),
        end: statement.getEnd(),
        text: `type ${statement.name.text} = ${printer.printNode(ts.EmitHint.Unspecified, node, source)};`,
      });
    } else if (ts.isVariableStatement(statement) && mentions(statement, libraryNames)) {
      const names = statement.declarationList.declarations.map((declaration) => declaration.name.getText());
      const public_ = names.filter((name) => exported.has(name));
      if (public_.length) throw new Error(`${fileName}: ${public_.join(', ')} is exported and typed by a bundled library`);
      remove(statement);
    }
  }

  const result = edits
    .sort((a, b) => b.start - a.start)
    .reduce((text, edit) => text.slice(0, edit.start) + edit.text + text.slice(edit.end), code);
  const leftover = ts.createSourceFile(fileName, result, ts.ScriptTarget.ES2022, true);
  if (mentions(leftover, libraryNames))
    throw new Error(`${fileName}: still mentions ${[...libraryNames].join(', ')} after expanding its types`);
  return result.trimStart();
}

// The mutation guard's instrumenter (@stryker-mutator/instrumenter) as dist/instrumenter.mjs, a
// bundle of its own that src/core/guards/mutation.ts imports by path on first use, so the
// VSIX and the npm package carry the guard without node_modules and activation never pays for it.
// It stays ESM: Babel 8 and the instrumenter call createRequire(import.meta.url). Two lookups that
// would read node_modules at run time are turned into imports while bundling (see inlineLookups).
const fs = require('node:fs');
const path = require('node:path');

// ts-parser.js hands these to Babel as require.resolve(...) paths; Babel takes the modules as well.
const BABEL_PRESETS = [
  '@babel/preset-typescript',
  '@babel/preset-react',
  '@babel/plugin-proposal-decorators',
  '@babel/plugin-transform-explicit-resource-management',
];
const SCHEMA_READ = /JSON\.parse\(readFileSync\(new URL\('([^']+\.json)', import\.meta\.url\), 'utf-8'\)\)/g;

const inlineLookups = {
  name: 'inline-run-time-lookups',
  setup(build) {
    build.onLoad({ filter: /@stryker-mutator[\\/](instrumenter|api)[\\/]dist[\\/]src[\\/].*\.js$/ }, (args) => {
      let source = fs.readFileSync(args.path, 'utf8');
      const imports = [];
      for (const preset of BABEL_PRESETS) {
        const call = `require.resolve('${preset}')`;
        if (!source.includes(call)) continue;
        const name = `__preset${imports.length}`;
        imports.push(`import ${name} from '${preset}';`);
        source = source.split(call).join(name);
      }
      source = source.replace(SCHEMA_READ, (_, file) => {
        const name = `__json${imports.length}`;
        imports.push(`import ${name} from '${file}';`);
        return name;
      });
      if (/require\.resolve\(/.test(source)) throw new Error(`${args.path}: a require.resolve the bundle cannot follow; add it to BABEL_PRESETS`);
      return { contents: `${imports.join('\n')}\n${source}`, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

function packageJsonOf(file) {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const { name, version } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    if (name && version) return { root: dir, id: `${name}@${version}` };
  }
  return undefined;
}

// npm nests identical versions of @babel/types and @babel/parser under several Babel helpers; one
// copy per name@version keeps ~1.2 MB of duplicates out of the bundle without changing any code.
const onePerVersion = {
  name: 'one-copy-per-package-version',
  setup(build) {
    const first = new Map();
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.deduping) return undefined;
      const resolved = await build.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: args.kind,
        importer: args.importer,
        pluginData: { deduping: true },
      });
      if (resolved.errors.length > 0 || resolved.external || !path.isAbsolute(resolved.path)) return undefined;
      const owner = packageJsonOf(resolved.path);
      if (!owner) return resolved;
      if (!first.has(owner.id)) first.set(owner.id, owner.root);
      return { ...resolved, path: path.join(first.get(owner.id), path.relative(owner.root, resolved.path)) };
    });
  },
};

/** esbuild options for dist/instrumenter.mjs. */
function instrumenterEntry(shared) {
  return {
    ...shared,
    entryPoints: [require.resolve('@stryker-mutator/instrumenter')],
    outfile: 'dist/instrumenter.mjs',
    format: 'esm',
    // Nobody steps through Stryker's code; its map would be bigger than the bundle.
    sourcemap: false,
    // Its Svelte parser imports the Svelte compiler lazily; Self-Heal only mutates JS and TS.
    external: ['svelte/compiler'],
    // CJS packages inside (semver, tslib) call require(); an ESM bundle needs one made for it.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    plugins: [inlineLookups, onePerVersion],
  };
}

module.exports = { instrumenterEntry };

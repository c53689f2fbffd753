// The pipeline's layering, held in CI (`make lint`, run by `make test`): sources → join → tag → profile →
// render, with live, fleet and advice beside them. A violation names the rule and the import that broke it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular', severity: 'error',
      comment: 'modules import each other in a circle: split out what both need',
      from: { path: '^src/' }, to: { circular: true },
    },
    {
      name: 'no-orphans', severity: 'error',
      comment: 'a module nothing imports is dead code (entry points excepted: the CLI, the reader worker, the viewer bundles)',
      from: { orphan: true, path: '^src/', pathNot: ['^src/cli\\.ts$', '^src/sources/worker\\.ts$', '^src/viewer/[a-z]+-entry\\.ts$', '\\.d\\.ts$'] },
      to: {},
    },
    {
      name: 'sources-only-read', severity: 'error',
      comment: 'a reader turns one input format into the model; it never joins, tags, profiles, renders or serves',
      from: { path: '^src/sources/' },
      to: { path: '^src/', pathNot: ['^src/sources/', '^src/model\\.ts$', '^src/http/', '^src/util/', '^src/profile/(types|pprof-units)\\.ts$'] },
    },
    {
      name: 'join-is-a-stage', severity: 'error',
      comment: 'recordings and traces are joined in src/join/ only, called by the merge path and by live, never by a reader or renderer',
      from: { path: '^src/(sources|render|viewer|tag|http)/' }, to: { path: '^src/join/' },
    },
    {
      name: 'render-takes-profiles', severity: 'error',
      comment: 'renderers take profiles: they never read files, join, tag, serve or push',
      from: { path: '^src/(render|viewer)/' }, to: { path: '^src/(sources|join|tag|live|fleet|commands)/|^src/advise/(?!types|format)' },
    },
    {
      name: 'fleet-through-live-sink', severity: 'error',
      comment: 'fleet sinks plug into live through the interface live exports (src/live/sink.ts), not its rooms',
      from: { path: '^src/fleet/' }, to: { path: '^src/live/', pathNot: ['^src/live/sink\\.ts$'] },
    },
    {
      name: 'stages-not-into-commands', severity: 'error',
      comment: 'commands are the edge: no stage imports a command module',
      from: { path: '^src/', pathNot: ['^src/commands/', '^src/cli\\.ts$'] }, to: { path: '^src/commands/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};

// `pnpm meshparts <command>` from anywhere in the repository. pnpm runs a root package.json script in
// the repository root, so `cd fixtures && pnpm meshparts inspect TwoCubes.glb` would look for
// ./TwoCubes.glb there; INIT_CWD is the folder the user ran pnpm in. Going back to it before the CLI
// starts makes every relative path (models, -o, --rename) mean what the user typed. Only this
// script does it: the published `meshparts` bin runs where it is started, as any command does.
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
await import(new URL('../packages/cli/dist/bin.js', import.meta.url).href);

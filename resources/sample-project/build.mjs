// Builds src/ into dist/: copies the assets, stamps the page, and reports each step the way a
// real bundler does (coloured, on stdout; warnings on stderr), so Vaporwatch has a real log.
import { mkdir, readdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';

const green = (s) => `\x1b[32m${s}\x1b[0m`;
const yellow = (s) => `\x1b[33m${s}\x1b[0m`;
const bold = (s) => `\x1b[1m${s}\x1b[0m`;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

console.log(bold('vaporwatch-sample build'));
await rm('dist', { recursive: true, force: true });
await mkdir('dist', { recursive: true });

const files = await readdir('src');
for (const [index, name] of files.entries()) {
  console.log(`[${index + 1}/${files.length}] ${name}`);
  await pause(300); // a little work to watch
  if (name === 'index.html') {
    const page = (await readFile(join('src', name), 'utf8'))
      .replace('{{BUILT_AT}}', new Date().toISOString())
      .replace('{{FILE_COUNT}}', String(files.length));
    await writeFile(join('dist', name), page);
  } else {
    await copyFile(join('src', name), join('dist', name));
  }
}
if (!files.includes('favicon.ico')) console.error(yellow('warning: no favicon.ico in src/'));
console.log(green(`✓ built ${files.length} files into dist/`));

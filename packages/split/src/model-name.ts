import { MODEL_FILE_EXTENSIONS } from './options.js';

const EXTENSION = new RegExp(`(${MODEL_FILE_EXTENSIONS.map((e) => `\\${e}`).join('|')})$`, 'iu');

/** The model name `{model}` stands for: the file name without its extension (`sword.obj` → `sword`). */
export function modelNameOf(file: string): string {
  return file.replace(EXTENSION, '');
}

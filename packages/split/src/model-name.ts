/** The model name `{model}` stands for: the file name without its extension. */
export function modelNameOf(file: string): string {
  return file.replace(/\.(glb|gltf)$/i, '');
}

/**
 * Watching the functions directory for hot reload. Editors save in bursts
 * (write, rename, chmod; several files at once for a refactor), so changes
 * are collected until the directory has been quiet for `debounceMs`, then
 * reported once.
 */
import { watch, type FSWatcher } from "node:fs";
import path from "node:path";

import { isModuleFile } from "./modules.js";

export type WatchOptions = {
  debounceMs?: number;
  onError: (message: string, error: unknown) => void;
};

/** Call `onChange` with the module files that changed after each quiet period. Returns a stop function. */
export function watchFunctions(
  dir: string,
  onChange: (files: string[]) => void,
  options: WatchOptions,
): () => void {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, { recursive: true });
  } catch (error) {
    options.onError(`Cannot watch ${dir}; hot reload is off`, error);
    return () => {};
  }
  watcher.on("change", (_event, filename) => {
    const name = filename?.toString();
    if (!name || !isModuleFile(name)) return;
    changed.add(name.split(path.sep).join("/"));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...changed].sort();
      changed.clear();
      onChange(files);
    }, options.debounceMs ?? 100);
  });
  watcher.on("error", (error) =>
    options.onError(`Watching ${dir} failed; hot reload is off`, error),
  );
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

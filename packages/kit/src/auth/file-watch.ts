// Re-reads a file when it changes, by polling its status: identity, size and times. A Kubernetes Secret updated in
// place swaps the file behind a symlink, which changes all of them. The status is the one recorded when the file
// was last read, not one taken at the first poll (fs.watchFile's baseline), so a change made between the read
// and the first poll is not missed.
import { statSync } from 'node:fs';

export function fileStatus(path: string): string | undefined {
  try {
    const { ino, size, mtimeMs, ctimeMs } = statSync(path);
    return `${ino}:${size}:${mtimeMs}:${ctimeMs}`;
  } catch {
    return undefined;
  }
}

export interface FileWatch {
  /** Call just before each read of the file, so that a later change is seen against what was read. */
  reading(): void;
  stop(): void;
}

/** Calls `onChange` (which should read the file, after calling `reading()`) whenever the file's status changes. */
export function watchFileStatus(path: string, intervalMs: number, onChange: () => void): FileWatch {
  let readStatus = fileStatus(path);
  const timer = setInterval(() => {
    if (fileStatus(path) !== readStatus) onChange();
  }, intervalMs);
  timer.unref();
  return {
    reading: () => {
      readStatus = fileStatus(path);
    },
    stop: () => clearInterval(timer),
  };
}

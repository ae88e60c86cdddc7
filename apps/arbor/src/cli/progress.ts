// A one-line progress bar for a TTY; silent elsewhere so logs and pipes stay clean.
export interface Progress {
  tick(label?: string): void;
  done(): void;
}

export function progressBar(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, total: number): Progress {
  if (!stream.isTTY || total <= 1) return { tick() {}, done() {} };
  let count = 0;
  const width = 30;
  const draw = (label: string) => {
    const filled = Math.round((count / total) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total} ${label}`;
    stream.write(`\r${line.slice(0, (stream.columns ?? 80) - 1).padEnd(Math.min(line.length + 10, (stream.columns ?? 80) - 1))}`);
  };
  draw('');
  return {
    tick(label = '') {
      count++;
      draw(label);
    },
    done() {
      stream.write('\n');
    },
  };
}

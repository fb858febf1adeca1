import { MultiBar, Presets } from 'cli-progress';

export type ProgressFn = (done: number, total: number, label: string) => void;

/**
 * Progress bars on stderr for long work. When stderr is not a terminal (CI, pipes) the bars stay
 * silent so logs are not flooded with redraws.
 */
export class Progress {
  private readonly multibar?: MultiBar;
  private readonly bars = new Map<string, ReturnType<MultiBar['create']>>();

  constructor(enabled = process.stderr.isTTY === true) {
    if (enabled) {
      this.multibar = new MultiBar(
        {
          format: ' {label} |{bar}| {value}/{total} {duration_formatted}',
          clearOnComplete: false,
          hideCursor: true,
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
    }
  }

  /** A callback that drives the bar named `key`, creating it on first use. */
  track(key: string): ProgressFn {
    return (done, total, label) => {
      if (this.multibar === undefined) return;
      let bar = this.bars.get(key);
      if (bar === undefined) {
        bar = this.multibar.create(total, 0, { label: `${key} ${label}`.trim().padEnd(32) });
        this.bars.set(key, bar);
      }
      bar.setTotal(total);
      bar.update(done, { label: `${key} ${label}`.trim().padEnd(32) });
    };
  }

  stop(): void {
    this.multibar?.stop();
  }
}

// Progress of a long command on stderr: a bar redrawn in place on a terminal, plain lines otherwise
// (logs and CI), so nothing but the data ever reaches stdout.

export interface ProgressOptions {
  /** What is counted, plural: 'customers', 'rows'. */
  unit: string;
  /** Total count, when known in advance (export): the bar shows count / total. */
  total?: number;
  quiet?: boolean;
  /** Where to draw; stderr by default. */
  stream?: NodeJS.WriteStream;
  /** Seconds between plain progress lines (not on a terminal). */
  plainIntervalSeconds?: number;
}

const BAR_WIDTH = 28;

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;
  private count = 0;
  private fraction: number | undefined;

  constructor(
    private readonly label: string,
    private readonly opts: ProgressOptions,
  ) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
  }

  /**
   * @param count items done so far
   * @param fraction share of the work done (0..1) when the total count is unknown (bytes of an input file)
   */
  update(count: number, fraction?: number): void {
    this.count = count;
    this.fraction = fraction;
    if (this.opts.quiet) return;
    const now = Date.now();
    const interval = this.tty ? 100 : (this.opts.plainIntervalSeconds ?? 5) * 1000;
    if (now - (this.lastDraw || this.started) < interval) return;
    this.lastDraw = now;
    if (this.tty) {
      this.stream.write(`\r\x1b[K${this.bar()}`);
      this.drawn = true;
    } else {
      this.stream.write(`${this.label}: ${this.status()}\n`);
    }
  }

  /** A message (such as a bad row) printed above the bar. */
  message(line: string): void {
    this.clear();
    this.stream.write(line.endsWith('\n') ? line : `${line}\n`);
  }

  /** Removes the bar and prints the closing line. */
  finish(summary: string): void {
    this.clear();
    if (!this.opts.quiet) this.stream.write(`${summary}\n`);
  }

  private clear(): void {
    if (this.drawn) {
      this.stream.write('\r\x1b[K');
      this.drawn = false;
    }
  }

  private share(): number | undefined {
    if (this.opts.total !== undefined) return this.opts.total === 0 ? 1 : Math.min(1, this.count / this.opts.total);
    return this.fraction;
  }

  private status(): string {
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(this.count / seconds) : 0;
    const share = this.share();
    const of = this.opts.total !== undefined ? ` of ${this.opts.total.toLocaleString('en-US')}` : '';
    const pct = share !== undefined ? ` (${Math.floor(share * 100)}%)` : '';
    return `${this.count.toLocaleString('en-US')}${of} ${this.opts.unit}${pct}, ${rate.toLocaleString('en-US')}/s`;
  }

  private bar(): string {
    const share = this.share();
    if (share === undefined) return `${this.label} ${this.status()}`;
    const full = Math.round(share * BAR_WIDTH);
    return `${this.label} [${'#'.repeat(full)}${'-'.repeat(BAR_WIDTH - full)}] ${this.status()}`;
  }
}

import type { EngineEvent, ExperimentResults } from '../engine/index.ts';
import { describeEvent } from '../share/describeEvent.ts';
import { formatCount, isUnverified, UNVERIFIED_NOTE } from '../share/verdicts.ts';

/**
 * The CLI's progress report on stderr: one line rewritten in place on a terminal, one line
 * per finished probe and point otherwise (CI logs, pipes). One thread of a run --jobs
 * reports through a line of its own: `thread` starts each of its lines, and `points` is the
 * sweep's size (its run-started event is reported once, by the run's line).
 */
export class ProgressLine {
  private points = 0;
  private current = '';
  private readonly interactive: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly quiet: boolean,
    private readonly thread?: { prefix: string; points: number },
  ) {
    this.interactive = Boolean(stream.isTTY);
    this.points = thread?.points ?? 0;
  }

  update(event: EngineEvent): void {
    if (this.quiet) return;
    const { level, text } = describeEvent(event);
    switch (event.kind) {
      case 'run-started':
        this.points = event.points.length;
        this.line(text, true);
        break;
      case 'point-started':
        // Not a line of its own: where the next lines are, written at their start.
        this.current = `point ${event.pointIndex + 1}/${this.points} (width ${event.width}, ${event.parameterCount} params)`;
        break;
      case 'probe-started':
        break;
      case 'epoch':
        if (this.interactive) this.line(`${this.current} seed ${event.seedIndex + 1}: ${text}`);
        break;
      case 'round-started':
      case 'probe-extended':
      case 'verification-started':
        this.line(`${this.current} seed ${event.seedIndex + 1}: ${text}`, !this.interactive);
        break;
      case 'probe-finished':
        this.line(`${this.current} seed ${event.probe.seedIndex + 1}: ${text}`, !this.interactive);
        break;
      case 'generalization-started':
        this.current = `generalization at N=${event.n}`;
        this.line(text, true);
        break;
      case 'run-finished':
        this.line(text, true);
        this.budgetSummary(event.results);
        this.verificationSummary(event.results);
        break;
      default:
        this.line(level === 'error' ? `error: ${text}` : text, true);
        break;
    }
  }

  /** After the run: which EMCs are only lower bounds because probes ran out of steps. */
  private budgetSummary(results: ExperimentResults): void {
    const limited = results.points.filter((p) => p.budgetLimited);
    if (limited.length === 0) return;
    const models = limited.map((p) => p.model).join(', ');
    this.line(
      `${limited.length} of ${results.points.length} points budget-limited (EMC marked ≥ is a lower bound: ${models}); raise train.maxSteps (now ${formatCount(results.spec.train.maxSteps)}) to decide them`,
      true,
    );
  }

  /** After the run: what verification found, and which EMCs it could not vouch for. */
  private verificationSummary(results: ExperimentResults): void {
    const seeds = results.points.flatMap((p) => p.seeds);
    const overturned = seeds.reduce((sum, s) => sum + s.overturned, 0);
    const unverified = results.points.filter(isUnverified);
    if (results.spec.search.verify) {
      this.line(
        `verification: ${seeds.filter((s) => s.verified).length} of ${seeds.length} seed results verified, ${overturned} verdict${overturned === 1 ? '' : 's'} overturned`,
        true,
      );
    }
    if (unverified.length > 0) {
      this.line(
        `${unverified.length} of ${results.points.length} points ${UNVERIFIED_NOTE}: ${unverified.map((p) => p.model).join(', ')}`,
        true,
      );
    }
  }

  note(message: string): void {
    this.line(message, true);
  }

  done(): void {
    if (this.interactive) this.stream.write('\n');
  }

  /** `permanent` lines stay; others are overwritten by the next on a terminal. */
  private line(unprefixed: string, permanent = false): void {
    const text = `${this.thread?.prefix ?? ''}${unprefixed}`;
    if (this.interactive) {
      this.stream.write(`\r\x1b[2K${text}${permanent ? '\n' : ''}`);
    } else if (permanent) {
      this.stream.write(`${text}\n`);
    }
  }
}

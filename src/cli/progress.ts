import type { EngineEvent, ExperimentResults } from '../engine/index.ts';
import {
  BUDGET_LIMITED_NOTE,
  formatCount,
  isLowerBound,
  isUnverified,
  probeVerdict,
  UNVERIFIED_NOTE,
  verificationStartedText,
} from '../share/verdicts.ts';

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

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
    switch (event.kind) {
      case 'run-started':
        this.points = event.points.length;
        this.line(`"${event.spec.name}" on ${event.environment.backend}: ${event.dataset}`, true);
        break;
      case 'point-started':
        this.current = `point ${event.pointIndex + 1}/${this.points} (width ${event.width}, ${event.parameterCount} params)`;
        break;
      case 'round-started':
        this.line(
          `${this.current} seed ${event.seedIndex + 1}: ${event.ns.length} probes at once, N = ${event.ns.join(', ')}`,
          !this.interactive,
        );
        break;
      case 'epoch':
        if (this.interactive) {
          this.line(
            `${this.current} seed ${event.seedIndex + 1} N=${event.n} epoch ${event.epoch} loss ${event.loss.toFixed(4)} acc ${(event.accuracy * 100).toFixed(1)}%`,
          );
        }
        break;
      case 'probe-extended':
        this.line(
          `${this.current} seed ${event.seedIndex + 1} N=${event.n}: still inconclusive after ${formatCount(event.steps)} steps, training on (budget doubled)`,
          !this.interactive,
        );
        break;
      case 'verification-started':
        this.line(
          `${this.current} seed ${event.seedIndex + 1}: ${verificationStartedText(event.n, event.steps)}`,
          !this.interactive,
        );
        break;
      case 'probe-finished': {
        const p = event.probe;
        this.line(
          `${this.current} seed ${p.seedIndex + 1} N=${p.n}: ${probeVerdict(p)}, ${(p.wallMs / 1000).toFixed(1)} s`,
          !this.interactive,
        );
        break;
      }
      case 'point-finished': {
        const p = event.point;
        const spread = p.seeds.length > 1 ? ` ± ${p.emcStd.toFixed(1)}` : '';
        const lowerBound = isLowerBound(p) ? '≥ ' : '';
        const bracket = p.seeds
          .map((s) => `[${s.bracket[0]}, ${s.bracket[1] ?? '≥pool'}]`)
          .join(' ');
        const note = p.budgetLimited
          ? ` (${BUDGET_LIMITED_NOTE})`
          : isUnverified(p)
            ? ` (${UNVERIFIED_NOTE})`
            : '';
        this.line(
          `${p.model}: ${p.parameterCount} params, EMC ${lowerBound}${p.emcMean.toFixed(1)}${spread} ${bracket}${note}`,
          true,
        );
        break;
      }
      case 'generalization-started':
        this.current = `generalization at N=${event.n}`;
        this.line(
          `generalization: ${event.probes} more trainings at N = ${event.n}, the smallest EMC of the sweep`,
          true,
        );
        break;
      case 'generalization-measured':
        this.line(
          `point ${event.pointIndex + 1}/${this.points} at N = ${event.n}: train accuracy ${percent(event.trainAccuracy)}, test accuracy ${percent(event.testAccuracy)}`,
          true,
        );
        break;
      case 'run-finished':
        this.line(`run ${event.results.status}: ${event.results.probes.length} probes`, true);
        this.budgetSummary(event.results);
        this.verificationSummary(event.results);
        break;
      case 'error':
        this.line(`error: ${event.message}`, true);
        break;
      default:
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

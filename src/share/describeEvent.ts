import type { EngineEvent } from '../engine/index.ts';
import {
  BUDGET_LIMITED_NOTE,
  formatCount,
  isLowerBound,
  isUnverified,
  probeVerdict,
  UNVERIFIED_NOTE,
  verificationStartedText,
} from './verdicts.ts';

/**
 * An engine event in words, the same in the lab's event log and the CLI's progress line.
 * `progress` events (a probe's start, its epochs) come too often for a log: the lab keeps
 * them out of it, and the CLI shows them only on a terminal, overwritten by the next.
 */
export interface EventDescription {
  level: 'progress' | 'info' | 'warn' | 'error';
  text: string;
}

/** "87.5%" */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export function describeEvent(event: EngineEvent): EventDescription {
  const info = (text: string): EventDescription => ({ level: 'info', text });
  switch (event.kind) {
    case 'run-started':
      return info(`Started "${event.spec.name}" on ${event.environment.backend}: ${event.dataset}`);
    case 'point-started':
      return info(
        `Point ${event.pointIndex + 1}: width ${event.width}, ${event.parameterCount} parameters`,
      );
    case 'round-started':
      return info(
        `Training ${event.ns.length} probes at once, stacked: N = ${event.ns.join(', ')}`,
      );
    case 'probe-started':
      return { level: 'progress', text: `N = ${event.n}: training` };
    case 'epoch':
      return {
        level: 'progress',
        text: `N = ${event.n}, epoch ${event.epoch}: loss ${event.loss.toFixed(4)}, accuracy ${percent(event.accuracy)}`,
      };
    case 'probe-extended':
      return info(
        `N = ${event.n}: still inconclusive after ${formatCount(event.steps)} steps, training on (budget doubled)`,
      );
    case 'verification-started':
      return info(verificationStartedText(event.n, event.steps));
    case 'probe-finished': {
      const probe = event.probe;
      const replayed = probe.replayed ? ', replayed from the interrupted run' : '';
      return info(
        `N = ${probe.n}: ${probeVerdict(probe)}, ${(probe.wallMs / 1000).toFixed(1)} s${replayed}`,
      );
    }
    case 'point-finished': {
      const point = event.point;
      const spread = point.seeds.length > 1 ? ` ± ${point.emcStd.toFixed(1)}` : '';
      const lowerBound = isLowerBound(point) ? '≥ ' : '';
      const brackets = point.seeds
        .map((s) => `[${s.bracket[0]}, ${s.bracket[1] ?? '≥pool'}]`)
        .join(' ');
      const text = `${point.model}: ${point.parameterCount} params, EMC ${lowerBound}${point.emcMean.toFixed(1)}${spread} ${brackets}`;
      if (point.budgetLimited) return { level: 'warn', text: `${text} (${BUDGET_LIMITED_NOTE})` };
      if (isUnverified(point)) return { level: 'warn', text: `${text} (${UNVERIFIED_NOTE})` };
      return info(text);
    }
    case 'generalization-started':
      return info(
        `Measuring generalization at N = ${event.n}, the smallest EMC of the sweep: ${event.probes} more trainings`,
      );
    case 'generalization-measured':
      return info(
        `Generalization of point ${event.pointIndex + 1} at N = ${event.n} (shared by the sweep): train accuracy ${percent(event.trainAccuracy)}, test accuracy ${percent(event.testAccuracy)}`,
      );
    case 'run-finished':
      return info(`Run ${event.results.status} after ${event.results.probes.length} probes`);
    case 'error':
      return { level: 'error', text: event.message };
  }
}

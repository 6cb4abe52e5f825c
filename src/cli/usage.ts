/** What `emc-lab --help` prints, and every argument error after its message. */
export const USAGE = `Usage:
  emc-lab run SPEC.json [--out RESULTS.json] [--backend auto|wasm|cpu|webgpu] [--jobs N]
                       [--quiet] [--allow-outside-data]
  emc-lab run SPEC.json --shard I/N --out PART.json [--backend …] [--quiet]
  emc-lab run --preset ID [--variant K] [--out RESULTS.json] [--backend auto|wasm|cpu|webgpu]
                       [--jobs N] [--quiet]
  emc-lab merge PART.json... [--out RESULTS.json] [--backend …] [--quiet]
  emc-lab presets
  emc-lab study
  emc-lab study ID --out DIR [--jobs N] [--backend auto|wasm|cpu|webgpu] [--quiet] [--shrink]
  emc-lab validate SPEC.json
  emc-lab gap TRUE-RESULTS.json RANDOM-RESULTS.json

run       measures EMC for every model of the spec's sweep and writes the results JSON
          (to stdout without --out); progress goes to stderr. With --preset, the spec is
          variant K of that preset (--variant may be left out when it has only one).
          --shard I/N runs shard I of N of the sweep's (width, seed) jobs and writes partial
          results (kept up to date as probes finish; a re-run continues from them). I may be
          "auto": JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm
          array). Needs "warmStart": false in the spec's search when the sweep has several
          widths.
          --jobs N trains N of the sweep's (width, seed) jobs at once, in threads of one
          process (default: the number of cores; results are the same as with --jobs 1).
          A sweep with "warmStart": true and several widths runs in one thread: each width
          starts from the one before. Not with --shard (run more shards instead).
merge     joins every shard's partial results into the results one process would have
          written (it trains the generalization probes when the spec has a test split).
presets   lists the presets, one per line: id, finding and title, variants (K=label),
          separated by tabs.
study     lists the studies, one per line: id, finding and title, variants (tab-separated).
          With an ID, runs that study: per variant, each learning rate of its grid on a
          tuning seed, then the best rate with every seed, each point verified; writes every
          run's results JSON into DIR as it finishes, then DIR/report.md (settings, verdict
          per claim, tables) and DIR/chart.svg. --jobs and --backend as for run. A study
          takes about an hour on 2 cores (finding-5 many more: see its report's protocol).
          --shrink runs it with tiny pools, one width, one seed and one learning rate in
          seconds to minutes: a check that it runs, whose verdicts say nothing. Run again
          into the same DIR, it reuses every complete run there whose spec is unchanged.
validate  checks a spec and names every problem.
gap       sets EMC(true labels) - EMC(random labels) beside the generalization gap for two
          runs of one sweep that differ only in their labels (the paper's finding 4). The
          gap is measured at one N shared by every width (the true-label run's smallest
          EMC); rows whose EMC is only a lower bound are shown but left out of r.

--backend auto (the default) times a few training steps of the spec's first model on wasm,
cpu and, where a Vulkan driver is installed, webgpu, and trains on the fastest; the timings
go to stderr. webgpu runs on the GPU through Dawn's Node bindings (npm package webgpu) and
needs a Vulkan loader and driver (without a GPU: VK_ICD_FILENAMES=/usr/lib/chromium/
vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium uses the software driver of
Debian's chromium).

--out is checked before training and written atomically (a temporary file beside it,
renamed); if it cannot be written after a run, the results go to a rescue file in the temp
folder (named on stderr). Ctrl-C stops a run within about a second, even mid-step, and
writes the results so far. data.file must lie in the spec's folder unless
--allow-outside-data is given.

Exit codes: 0 success, 1 the run failed (or its results could not be written where asked),
2 invalid spec or arguments, 130 interrupted.`;

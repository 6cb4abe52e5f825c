#!/bin/sh
# Submits the sweep's job array (sweep.slurm: 6 shards) and its merge, which waits for every
# task of the array to succeed, then writes results/sweep.json. Run from the repository root.
# EMC_SPEC, EMC_RESULTS and EMC_BACKEND choose another spec, results folder (instead of
# results/) and backend; sbatch's own variables override the script's #SBATCH lines (e.g.
# SBATCH_ARRAY_INX=1-12 for 12 shards, SBATCH_PARTITION).
set -eu
results="${EMC_RESULTS:-results}"
mkdir -p "$results"
array=$(sbatch --parsable --output="${results}/slurm-%A_%a.log" examples/cluster/sweep.slurm)
# One merge, even where SBATCH_ARRAY_INX made the sweep's array.
(
  unset SBATCH_ARRAY_INX
  sbatch --dependency="afterok:${array}" --job-name=emc-merge \
    --output="${results}/slurm-merge-%j.log" \
    --wrap "node bin/emc-lab.js merge '${results}'/part-*.json --backend '${EMC_BACKEND:-auto}' --out '${results}/sweep.json'"
)
echo "submitted the sweep (job ${array}) and its merge; ${results}/sweep.json when both are done"

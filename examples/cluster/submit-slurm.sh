#!/bin/sh
# Submits the sweep's job array (sweep.slurm: 6 shards) and its merge, which waits for every
# task of the array to succeed, then writes results/sweep.json. Run from the repository root.
set -eu
mkdir -p results
array=$(sbatch --parsable examples/cluster/sweep.slurm)
sbatch --dependency="afterok:${array}" --job-name=emc-merge \
  --output=results/slurm-merge-%j.log \
  --wrap "node bin/emc-lab.js merge results/part-*.json --out results/sweep.json"
echo "submitted the sweep (job ${array}) and its merge; results/sweep.json when both are done"

#!/usr/bin/env bash
# `npm run test:cluster`: runs examples/cluster/ on real schedulers' terms, on this machine.
#   1. The Kubernetes manifests, checked offline by kubectl (scripts/check-k8s-manifests.sh).
#   2. A one-node Slurm cluster (Debian's slurm-wlm and munge, installed when missing; this
#      machine's name, cores and memory; state, sockets and logs in a temporary folder; free
#      ports), stopped at the end whatever happens.
#   3. On it, a shrunk copy of examples/cluster/sweep.json (3 widths x 2 seeds, a pool of 60,
#      400 steps at most: 6 jobs for the 6 tasks of the array) submitted with
#      examples/cluster/submit-slurm.sh as a user would: the array and its merge. One task is
#      requeued (scontrol requeue) once it has finished some probes of its shard: it must
#      continue from its partial file, saying how many probes it reused. The merge must be held
#      by its dependency, start after every task ended, and its results must equal one
#      `emc-lab run` of the same spec on cpu, probe for probe.
# EMC_KEEP_CLUSTER=1 keeps the temporary folder (logs, results) for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "test:cluster: $*"; }
fail() {
  echo "test:cluster: FAILED: $*" >&2
  exit 1
}

bash scripts/check-k8s-manifests.sh

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
  ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing Debian's slurm-wlm and munge"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
    --no-install-recommends slurm-wlm munge >/dev/null
fi

state=$(mktemp -d "${TMPDIR:-/tmp}/emc-slurm.XXXXXX")
chmod 755 "$state"
pids=()
single_pid=""

# Everything this script started stops here, on success, failure or interruption: the jobs
# first (while the controller still answers), then the daemons, by their process ids.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$single_pid" ]; then kill "$single_pid" 2>/dev/null || true; fi
  if [ -f "$state/slurm.conf" ] && [ "${#pids[@]}" -gt 0 ]; then
    scancel --quiet "--user=$(id -un)" 2>/dev/null || true
    for _ in $(seq 1 30); do
      [ -z "$(squeue -h 2>/dev/null)" ] && break
      sleep 1
    done
  fi
  if [ "$status" != "0" ]; then
    for log in "$state"/results/slurm-merge-*.log "$state"/results/slurm-*_*.log \
      "$state"/slurmctld.log "$state"/slurmd.log; do
      [ -f "$log" ] || continue
      echo "----- ${log#"$state"/} (last 12 lines)" >&2
      tail -n 12 "$log" >&2
    done
  fi
  local pid
  for pid in "${pids[@]}"; do $SUDO kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do
      $SUDO kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if $SUDO kill -0 "$pid" 2>/dev/null; then $SUDO kill -9 "$pid" 2>/dev/null || true; fi
  done
  if [ "${EMC_KEEP_CLUSTER:-}" = "1" ]; then
    say "kept $state"
  else
    $SUDO rm -rf "$state"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits up to $1 seconds for the command after the description $2 to succeed.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "gave up after ${seconds} s waiting for ${what}"
    sleep 1
  done
}

# ---- a one-node cluster
read -r ctld_port slurmd_port < <(node -e '
  const net = require("node:net");
  const servers = [net.createServer(), net.createServer()];
  Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", ok)))).then(() => {
    console.log(servers.map((s) => s.address().port).join(" "));
    for (const s of servers) s.close();
  });')
node_line=$(slurmd -C | head -n 1)
node_name=$(sed -n 's/^NodeName=\([^ ]*\).*/\1/p' <<<"$node_line")
[ -n "$node_name" ] || fail "slurmd -C did not describe this machine: $node_line"
mkdir -p "$state/ctld" "$state/spool" "$state/results"
cat >"$state/slurm.conf" <<EOF
# A one-node test cluster of scripts/test-cluster.sh; everything lives in $state.
ClusterName=emclab
SlurmctldHost=${node_name}(127.0.0.1)
SlurmctldPort=${ctld_port}
SlurmdPort=${slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${state}/munge.socket
StateSaveLocation=${state}/ctld
SlurmdSpoolDir=${state}/spool
SlurmctldPidFile=${state}/slurmctld.pid
SlurmdPidFile=${state}/slurmd.pid
SlurmctldLogFile=${state}/slurmctld.log
SlurmdLogFile=${state}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
KillWait=5
MailProg=/bin/true
MinJobAge=3600
${node_line} NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=emc Nodes=${node_name} Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$state/slurm.conf"

head -c 1024 /dev/urandom >"$state/munge.key"
chmod 400 "$state/munge.key"
$SUDO munged --foreground --force --socket="$state/munge.socket" --key-file="$state/munge.key" \
  --pid-file="$state/munged.pid" --log-file="$state/munged.log" --seed-file="$state/munged.seed" \
  >>"$state/munged.log" 2>&1 &
pids+=($!)
wait_for 20 munged test -S "$state/munge.socket"
$SUDO slurmctld -D -i -f "$SLURM_CONF" >"$state/slurmctld.out" 2>&1 &
pids+=($!)
$SUDO slurmd -D -f "$SLURM_CONF" -N "$node_name" >"$state/slurmd.out" 2>&1 &
pids+=($!)
node_idle() { [ "$(sinfo -h -n "$node_name" -o %T 2>/dev/null)" = "idle" ]; }
wait_for 60 "node ${node_name} to be idle" node_idle
say "one-node Slurm cluster up: ${node_line}, ports ${ctld_port}/${slurmd_port}, state in $state"

# ---- the sweep, shrunk, submitted as a user would
spec="$state/sweep.json"
results="$state/results"
node -e '
  const [from, to] = process.argv.slice(1);
  const spec = JSON.parse(require("node:fs").readFileSync(from, "utf8"));
  spec.name += " (shrunk for the cluster test)";
  spec.sweep.widths = [2, 4, 8];
  spec.search.seeds = 2;
  spec.data.poolSize = 60;
  spec.train.maxSteps = 400;
  require("node:fs").writeFileSync(to, JSON.stringify(spec, null, 2));' \
  examples/cluster/sweep.json "$spec"
# The array as sweep.slurm declares it: its tasks are the shards.
read -r first last < <(sed -n 's/^#SBATCH --array=\([0-9]*\)-\([0-9]*\)$/\1 \2/p' examples/cluster/sweep.slurm)
[ -n "${last:-}" ] || fail "examples/cluster/sweep.slurm has no #SBATCH --array=FIRST-LAST line"
tasks=$((last - first + 1))

# The reference: one process, same spec, on cpu (beside the array: this machine has the cores).
node bin/emc-lab.js run "$spec" --backend cpu --quiet --out "$state/single.json" \
  2>"$state/single.log" &
single_pid=$!

submitted=$(EMC_SPEC="$spec" EMC_RESULTS="$results" EMC_BACKEND=cpu \
  sh examples/cluster/submit-slurm.sh)
echo "$submitted"
array=$(sed -n 's/.*submitted the sweep (job \([0-9]*\)).*/\1/p' <<<"$submitted")
merge=$(sed -n 's/^Submitted batch job \([0-9]*\)$/\1/p' <<<"$submitted")
[ -n "$array" ] && [ -n "$merge" ] || fail "submit-slurm.sh did not say which jobs it submitted"

# A job's field, e.g. field 12_3 JobState.
field() { scontrol -o show job "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p" | head -n 1; }
probes() { grep -c '"stopReason"' "$1" 2>/dev/null || true; }
running_file() { grep -q '"status": "running"' "$1" 2>/dev/null; }
# A shard stopped before its end: still running, or cancelled by the requeue's SIGTERM (the
# CLI writes what it has, status cancelled, when it is stopped), as opposed to complete.
unfinished_file() { grep -qE '"status": "(running|cancelled)"' "$1" 2>/dev/null; }

# ---- requeue one task mid-shard: once its partial file holds a finished probe
say "waiting for a task with finished probes to requeue"
# Fails at once when a task of the array ended otherwise than COMPLETED, or the merge started.
no_task_failed() {
  local bad
  bad=$(scontrol -o show job "$array" |
    sed -n 's/.*ArrayTaskId=\([0-9]*\) .* JobState=\([A-Z_]*\) .*/\1 \2/p' |
    grep -vE ' (PENDING|RUNNING|CONFIGURING|COMPLETING|COMPLETED|REQUEUED)$' | head -n 1 || true)
  [ -z "$bad" ] || fail "task ${bad% *} of the array ended ${bad#* }"
  # The merge waits for every task: while one has yet to finish, it is pending.
  local unfinished
  unfinished=$(scontrol -o show job "$array" |
    sed -n 's/.*ArrayTaskId=\([0-9]*\) .* JobState=\([A-Z_]*\) .*/\1 \2/p' |
    grep -v ' COMPLETED$' | head -n 1 || true)
  [ -z "$unfinished" ] || [ "$(field "$merge" JobState)" = "PENDING" ] ||
    fail "the merge job is $(field "$merge" JobState) while task ${unfinished% *} of the array is ${unfinished#* }"
}
requeued=""
kept=0
tried=" "
watch_task=""
task_pending() { [ "$(field "${array}_${watch_task}" JobState)" = "PENDING" ]; }
deadline=$((SECONDS + 240))
polls=0
while [ -z "$requeued" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "no task of the array was caught mid-shard to requeue"
  polls=$((polls + 1))
  if [ $((polls % 5)) = 0 ]; then no_task_failed; fi
  for t in $(seq "$first" "$last"); do
    case "$tried" in *" $t "*) continue ;; esac
    part="$results/part-$t.json"
    running_file "$part" && [ "$(probes "$part")" -ge 1 ] || continue
    [ "$(field "${array}_$t" JobState)" = "RUNNING" ] || continue
    tried+="$t "
    scontrol requeue "${array}_$t" || continue
    watch_task=$t
    # Slurm holds a requeued job back for two minutes (its EligibleTime): while it is pending,
    # its partial file is what the killed task left.
    wait_for 60 "task $t to be pending after the requeue" task_pending
    # The merge is held by its dependency on the array (not merely queued behind it, which
    # on one node would look the same in the end).
    [ "$(field "$merge" Reason)" = "Dependency" ] ||
      fail "the merge job waits for $(field "$merge" Reason), not for its dependency on the array"
    if unfinished_file "$part"; then
      requeued=$t
      kept=$(probes "$part")
      say "requeued task $t with $kept finished probes of its shard in $part"
    else
      say "task $t finished its shard before the requeue took effect; trying another task"
    fi
    # Restarted now rather than in two minutes.
    scontrol update "JobId=${array}_$t" StartTime=now
    break
  done
  [ "$tried" != " $(seq -s ' ' "$first" "$last") " ] || fail "every task finished its shard before it could be requeued"
  sleep 0.2
done

# ---- the merge, after every task
merge_ended() {
  local job_state
  job_state=$(field "$merge" JobState)
  case "$job_state" in
    COMPLETED) return 0 ;;
    PENDING | RUNNING | CONFIGURING | COMPLETING) ;;
    *) fail "the merge job ended $job_state" ;;
  esac
  [ "$(field "$merge" Reason)" != "DependencyNeverSatisfied" ] ||
    fail "the merge job can never run: a task of the array did not succeed"
  return 1
}
wait_for 300 "the merge job" merge_ended
wait "$single_pid" || fail "the single emc-lab run failed: $(cat "$state/single.log")"
single_pid=""
say "array and merge done"

# Every task succeeded, the requeued one restarted once, and the merge started after all ended.
last_end=""
for t in $(seq "$first" "$last"); do
  [ "$(field "${array}_$t" JobState)" = "COMPLETED" ] || fail "task $t ended $(field "${array}_$t" JobState)"
  end=$(field "${array}_$t" EndTime)
  [[ "$end" > "$last_end" ]] && last_end=$end
done
[ "$(field "${array}_${requeued}" Restarts)" = "1" ] ||
  fail "task $requeued restarted $(field "${array}_${requeued}" Restarts) times, not once"
[ "$(scontrol -o show job "$merge" | wc -l)" = "1" ] ||
  fail "the merge ran as $(scontrol -o show job "$merge" | wc -l) jobs, not one"
merge_start=$(field "$merge" StartTime)
[[ ! "$merge_start" < "$last_end" ]] ||
  fail "the merge started at $merge_start, before the last task ended ($last_end)"

# The requeued task continued from its partial file: it says so, and trained the rest.
log="$results/slurm-${array}_${requeued}.log"
reused="continuing shard $((requeued - first + 1))/${tasks}: ${kept} probes of $results/part-${requeued}.json are reused, not retrained"
grep -qF "$reused" "$log" || fail "the log of the requeued task does not say \"$reused\""

node - "$state/single.json" "$results/sweep.json" "$results/part-${requeued}.json" "$kept" <<'EOF'
// The merged sweep equals the single run, probe for probe (all but the clock); the requeued
// shard replayed exactly the probes it had kept and trained whatever was left.
const { readFileSync } = require('node:fs');
const { isDeepStrictEqual } = require('node:util');
const [singlePath, mergedPath, partPath, keptText] = process.argv.slice(2);
const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
const science = (results) => ({
  points: results.points.map(({ wallMs, ...point }) => point),
  probes: results.probes.map(({ wallMs, replayed, ...probe }) => probe),
});
const [single, merged, part] = [singlePath, mergedPath, partPath].map(read);
const fail = (why) => {
  console.error(`test:cluster: FAILED: ${why}`);
  process.exit(1);
};
const a = science(single);
const b = science(merged);
if (a.probes.length !== b.probes.length) {
  fail(`the merge has ${b.probes.length} probes, the single run ${a.probes.length}`);
}
a.probes.forEach((probe, i) => {
  if (!isDeepStrictEqual(probe, b.probes[i])) {
    fail(`probe ${i + 1} differs:\n  single ${JSON.stringify(probe)}\n  merged ${JSON.stringify(b.probes[i])}`);
  }
});
if (!isDeepStrictEqual(a.points, b.points)) fail('the points (EMC per width) differ');
const kept = Number(keptText);
const replayed = part.probes.filter((p) => p.replayed).length;
if (replayed !== kept) fail(`the requeued shard replayed ${replayed} probes, not the ${kept} it had kept`);
if (part.probes.length < kept) fail(`the requeued shard holds ${part.probes.length} probes, fewer than the ${kept} it had kept`);
// A requeue can land after the shard's last probe was written and before it ended (the tasks
// are seconds long): then it reuses every probe and has none left to train, which is right.
const trained = part.probes.length - kept;
console.log(
  `test:cluster: merged = single run: ${b.probes.length} probes, ${b.points.length} points; the requeued shard reused ${kept} probes and trained ${trained}${trained === 0 ? ' (the requeue came after its last probe)' : ''}`,
);
EOF

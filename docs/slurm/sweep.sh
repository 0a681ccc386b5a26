#!/usr/bin/env bash
# A quota sweep on a Slurm cluster: one job-array task per shard, then a merge job that runs
# once every task has succeeded (afterok). The merged directory is byte-identical to the
# output of the same sweep run on one machine.
#
#   docs/slurm/sweep.sh submit      # submits the array and the dependent merge job
#
# Settings (environment variables, with their defaults):
#   QUOTA=quota                         the quota binary (on every node)
#   SHARDS=16                           N: array tasks 1..N, one shard each
#   DESIGN="--design sobol --samples 65536"   the sweep's flags (any design; not --keep-all)
#   SCENARIO=                           scenario file (empty: the bundled scenario); the
#                                       merge checks the shards ran on the same inputs
#   WORK=$PWD/quota-sweep               partials go to $WORK/parts, the result to $WORK/out
#   THREADS=${SLURM_CPUS_PER_TASK:-1}   worker threads per task
#   SBATCH_ARGS=                        extra sbatch flags (partition, account, time, …)
#
# The two steps the jobs run can be run by hand (this is how CI tests the script):
#   SLURM_ARRAY_TASK_ID=K docs/slurm/sweep.sh shard    # shard K of N → $WORK/parts/part-K.json
#   docs/slurm/sweep.sh merge                          # every part → $WORK/out
set -euo pipefail

QUOTA=${QUOTA:-quota}
SHARDS=${SHARDS:-16}
DESIGN=${DESIGN:---design sobol --samples 65536}
SCENARIO=${SCENARIO:-}
WORK=${WORK:-$PWD/quota-sweep}
THREADS=${THREADS:-${SLURM_CPUS_PER_TASK:-1}}
read -r -a design <<<"$DESIGN"

case ${1:-} in
submit)
    mkdir -p "$WORK/parts" "$WORK/logs"
    export QUOTA SHARDS DESIGN SCENARIO WORK
    # shellcheck disable=SC2086
    array=$(sbatch --parsable $SBATCH_ARGS --job-name=quota-shard --array="1-$SHARDS" \
        --output="$WORK/logs/shard-%a.log" --export=ALL "$0" shard)
    # shellcheck disable=SC2086
    merge=$(sbatch --parsable $SBATCH_ARGS --job-name=quota-merge --dependency="afterok:$array" \
        --output="$WORK/logs/merge.log" --export=ALL "$0" merge)
    echo "array job $array ($SHARDS shards), merge job $merge → $WORK/out"
    ;;
shard)
    k=${SLURM_ARRAY_TASK_ID:?shard: set SLURM_ARRAY_TASK_ID (1..$SHARDS)}
    mkdir -p "$WORK/parts"
    "$QUOTA" sweep ${SCENARIO:+"$SCENARIO"} "${design[@]}" --threads "$THREADS" \
        --shard "$k/$SHARDS" -o "$WORK/parts/part-$k.json"
    ;;
merge)
    parts=()
    for ((k = 1; k <= SHARDS; k++)); do parts+=("$WORK/parts/part-$k.json"); done
    "$QUOTA" sweep merge "${parts[@]}" ${SCENARIO:+--scenario "$SCENARIO"} --threads "$THREADS" \
        -o "$WORK/out" --force
    ;;
*)
    echo "usage: $0 submit | shard | merge (see the comments at the top)" >&2
    exit 2
    ;;
esac

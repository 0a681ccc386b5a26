#!/usr/bin/env bash
# A single-node Slurm cluster on this machine (Debian's slurm-wlm: slurmctld and slurmd on
# localhost, munge for authentication), then docs/slurm/sweep.sh run through it for real:
# a sharded sweep as a job array, the dependent merge job, and the merged directory compared
# byte for byte with the same sweep run unsharded. Needs root (apt-get, daemons); no systemd.
#
#   docs/slurm/single-node.sh                  # set up (if needed), run, compare, print timings
#   docs/slurm/single-node.sh stop             # stop the daemons this script started
#                                                (slurmctld, slurmd, and munged if it started it)
#
# Settings (environment variables, with their defaults):
#   QUOTA=$PWD/target/release/quota   the binary (built if absent)
#   SHARDS=8                          array tasks
#   DESIGN="--design sobol --samples 16384"   the sweep
#   WORK=$(mktemp -d)                 partials, logs, the merged and the unsharded outputs
#   DEADLINE=900                      seconds the jobs may take before they are cancelled (exit 1)
# The cluster's state lives under /var/lib/quota-slurm (spool, state, logs); its
# configuration is /etc/slurm/slurm.conf, written only when absent or written by this script.
# Exit status: 0 merged = unsharded; 75 the cluster could not be set up here (the packages do
# not install, or the node does not come up; .ci/run then skips the step with a notice);
# anything else a failure of the run itself (jobs not finished, no merged output, a difference).
set -euo pipefail
cd "$(dirname "$0")/../.."

state=/var/lib/quota-slurm
conf=/etc/slurm/slurm.conf
marker="# written by quota docs/slurm/single-node.sh"

stop_slurm() {
    for d in slurmd slurmctld; do
        [[ -f $state/$d.pid ]] || continue
        pid=$(cat "$state/$d.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$state/$d.pid"
    done
}

stop() {
    stop_slurm
    # munged, if this script started it.
    if [[ -f $state/munged.started && -f /run/munge/munged.pid ]]; then
        kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
    fi
    rm -f "$state/munged.started"
}

if [[ ${1:-} == stop ]]; then
    stop
    exit 0
fi

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq slurm-wlm munge; }; then
        echo "cannot install slurm-wlm and munge on this machine" >&2
        exit 75
    fi
fi

# munge: a key (the package makes one; make it if missing) and the daemon.
if [[ ! -s /etc/munge/munge.key ]]; then
    mungekey --create --keyfile=/etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged
    mkdir -p "$state" && touch "$state/munged.started"
    for _ in $(seq 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
fi

# slurm.conf for one node: this host, its CPUs and memory as slurmd sees them; process
# tracking without cgroups (containers often have none writable).
host=$(hostname -s)
node=$(slurmd -C | head -1)
mkdir -p "$state/spool" "$state/ctld" "$state/log"
chown -R slurm:slurm "$state/ctld" "$state/log"
if [[ ! -f $conf ]] || grep -qx "$marker" "$conf"; then
    cat >"$conf" <<EOF
$marker
ClusterName=quota
SlurmctldHost=$host
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.daemon.pid
SlurmdPidFile=$state/slurmd.daemon.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
$node
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
else
    echo "$conf exists and was not written by this script: using it as it is" >&2
fi

# The daemons run in the foreground (-D) in the background of this script, so that their
# process ids are known from the start (stop kills exactly those).
if ! scontrol ping 2>/dev/null | grep -q UP; then
    stop_slurm
    setsid slurmctld -D >>"$state/log/slurmctld.out" 2>&1 &
    echo $! >"$state/slurmctld.pid"
    setsid slurmd -D >>"$state/log/slurmd.out" 2>&1 &
    echo $! >"$state/slurmd.pid"
fi
# The node must come up idle (a node left down or drained by an earlier run is resumed).
up_by=$((SECONDS + 60))
until [[ $(sinfo -h -n "$host" -o %T 2>/dev/null || true) == idle ]]; do
    node_state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
    if [[ $node_state == down* || $node_state == drain* ]]; then
        scontrol update nodename="$host" state=resume 2>/dev/null || true
    fi
    if ((SECONDS > up_by)); then
        echo "the Slurm node $host did not come up idle in 60 s (state: ${node_state:-none}); see $state/log" >&2
        exit 75
    fi
    sleep 0.5
done
sinfo

QUOTA=${QUOTA:-$PWD/target/release/quota}
[[ -x $QUOTA ]] || cargo build --release
SHARDS=${SHARDS:-8}
DESIGN=${DESIGN:---design sobol --samples 16384}
WORK=${WORK:-$(mktemp -d)}
read -r -a design <<<"$DESIGN"
export QUOTA SHARDS DESIGN WORK THREADS=1 SBATCH_ARGS="--cpus-per-task=1"

started=$(date +%s.%N)
submitted=$(docs/slurm/sweep.sh submit)
echo "$submitted"
merge_job=$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' <<<"$submitted")
deadline=$((SECONDS + ${DEADLINE:-900}))
while squeue -h -j "$merge_job" 2>/dev/null | grep -q .; do
    if ((SECONDS > deadline)); then
        echo "the Slurm jobs did not finish in ${DEADLINE:-900} s; cancelling them" >&2
        scancel "$merge_job" "$(sed -n 's/array job \([0-9]*\).*/\1/p' <<<"$submitted")" || true
        exit 1
    fi
    sleep 0.5
done
finished=$(date +%s.%N)
state_of_merge=$(scontrol show job "$merge_job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
if [[ ! -d $WORK/out ]]; then
    echo "the merge job ($merge_job, ${state_of_merge:-state unknown}) wrote no $WORK/out; logs:" >&2
    tail -n 20 "$WORK"/logs/*.log >&2 || true
    exit 1
fi

t0=$(date +%s.%N)
"$QUOTA" sweep "${design[@]}" --threads 2 -o "$WORK/whole" >/dev/null 2>&1
t1=$(date +%s.%N)
diff -r "$WORK/out" "$WORK/whole"
seconds() { awk "BEGIN { printf \"%.1f\", $2 - $1 }"; }
echo "Slurm: $SHARDS shards + merge, submit to merged: $(seconds "$started" "$finished") s;" \
    "unsharded on 2 threads: $(seconds "$t0" "$t1") s; merged = unsharded, byte for byte" \
    "($(find "$WORK/out" -type f | wc -l) files, $WORK)"

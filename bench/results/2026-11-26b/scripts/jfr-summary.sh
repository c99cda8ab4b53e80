#!/bin/bash
# Text summary of a JFR recording (no binaries committed): execution samples (bench/peers/jfr-top), native
# samples (top frames), fsyncs (jdk.FileForce above JFR's threshold), threads started, machine/JVM CPU load.
J=$1
TOP=/work/wt-bench8/bench/peers/jfr-top
echo "# jfr print --events jdk.ExecutionSample $(basename $J) | bench/peers/jfr-top"
jfr print --events jdk.ExecutionSample "$J" | python3 $TOP
echo
echo "# native method samples (jdk.NativeMethodSample), top frames"
jfr print --events jdk.NativeMethodSample "$J" | sed 's/jdk.ExecutionSample//' | sed 's/jdk.NativeMethodSample/jdk.ExecutionSample/' | python3 $TOP | sed -n '1,13p'
echo
echo "# jdk.FileForce (fsync) events above the threshold: count, mean ms"
jfr print --events jdk.FileForce "$J" | awk '/duration =/ {n++; v=$3; u=$4; if (u=="s") v*=1000; else if (u=="us") v/=1000; s+=v} END {printf "%d events, mean %.1f ms\n", n, (n? s/n : 0)}'
echo
echo "# jdk.ThreadStart by thread name"
jfr print --events jdk.ThreadStart "$J" | grep -E '^\s+thread =' | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -5
echo
echo "# jdk.CPULoad (jvmUser, jvmSystem, machineTotal), every 10th sample"
jfr print --events jdk.CPULoad "$J" | grep -E 'startTime|jvmUser|jvmSystem|machineTotal' | paste - - - - | awk 'NR%10==1' | sed -E 's/ +/ /g'

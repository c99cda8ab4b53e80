package org.mailhive.bench;

/** One sampling interval of the run: completions per second, their p99 latency, and errors in the interval. */
public record TimelinePoint(double elapsedSeconds, double perSecond, double p99Ms, long errors) {}

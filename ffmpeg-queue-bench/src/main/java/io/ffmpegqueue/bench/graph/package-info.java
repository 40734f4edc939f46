/**
 * Benchmarks of task graphs: a fan-out of no-op children from one root into one join, on the in-memory,
 * PostgreSQL and Redis backends, against the same tasks without edges. Run
 * {@link io.ffmpegqueue.bench.graph.GraphBench}; {@code docs/benchmarks.md} has the command and the figures.
 */
package io.ffmpegqueue.bench.graph;

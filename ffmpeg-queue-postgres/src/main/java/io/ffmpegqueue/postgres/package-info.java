/**
 * The PostgreSQL queue backend: {@link io.ffmpegqueue.postgres.PostgresQueueBackend} keeps tasks in a table
 * shared by an API process and any number of worker processes, {@link io.ffmpegqueue.postgres.PostgresSchema}
 * has its versioned migrations, and {@link io.ffmpegqueue.postgres.DatabaseUrl} reads a
 * {@code DATABASE_URL}.
 */
package io.ffmpegqueue.postgres;

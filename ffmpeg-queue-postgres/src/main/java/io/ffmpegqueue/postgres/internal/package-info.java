/** The PostgreSQL backend's SQL, row mapping, migrations and notice handling: no compatibility promise. */
package io.ffmpegqueue.postgres.internal;

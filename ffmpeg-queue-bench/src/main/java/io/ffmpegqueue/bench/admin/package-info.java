/** The dashboard's backend calls timed with a million tasks in each backend ({@link io.ffmpegqueue.bench.admin.AdminScaleBench}). */
package io.ffmpegqueue.bench.admin;

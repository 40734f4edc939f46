-- ARGV: 3 id. The task's hash with what it waits for (graph-lib's snapshot); empty when there is no such task.
return snapshot(ARGV[3])

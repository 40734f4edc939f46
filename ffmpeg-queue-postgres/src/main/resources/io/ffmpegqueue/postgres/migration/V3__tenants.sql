-- ffmpeg-queue-postgres, migration 2: tenants (fair turns between tenants and per-tenant running limits).

-- The task's tenant (TaskRequest.tenant(), its metadata entry 'tenant'); '' for tasks that name none.
ALTER TABLE ${schema}.${prefix}tasks ADD COLUMN tenant text NOT NULL DEFAULT '';

UPDATE ${schema}.${prefix}tasks SET tenant = request->'metadata'->>'tenant'
  WHERE status IN ('PENDING', 'RUNNING') AND request->'metadata'->>'tenant' IS NOT NULL;

-- Every tenant that ever had a task, with its last turn: the claim serves the tenant served longest ago
-- first (served 0: never). Rows are few (one per tenant) and kept.
CREATE TABLE ${schema}.${prefix}tenants (
  tenant text   NOT NULL,
  served bigint NOT NULL DEFAULT 0,
  CONSTRAINT ${prefix}tenants_pkey PRIMARY KEY (tenant)
);

CREATE SEQUENCE ${schema}.${prefix}tenant_turns;

INSERT INTO ${schema}.${prefix}tenants (tenant)
  SELECT DISTINCT tenant FROM ${schema}.${prefix}tasks WHERE status IN ('PENDING', 'RUNNING');

-- The claim's index: each tenant's ready tasks in run order.
CREATE INDEX ${prefix}tasks_tenant_ready_idx ON ${schema}.${prefix}tasks (tenant, priority, run_at, seq)
  WHERE status = 'PENDING';

-- Each tenant's running count, for its running limit.
CREATE INDEX ${prefix}tasks_tenant_running_idx ON ${schema}.${prefix}tasks (tenant)
  WHERE status = 'RUNNING';

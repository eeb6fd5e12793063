-- The null query: PostgreSQL's own ceiling on this machine (the counterpart
-- of grpc.health.v1.Health/Check for the service).
SELECT 1;

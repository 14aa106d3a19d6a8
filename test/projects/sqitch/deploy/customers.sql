-- Deploy shop:customers to pg
BEGIN;
CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL);
INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(1, 10) g;
COMMIT;

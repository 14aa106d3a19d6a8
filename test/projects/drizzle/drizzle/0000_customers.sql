CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL);
--> statement-breakpoint
INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(1, 10) g;
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint, legacy_status text);
--> statement-breakpoint
INSERT INTO orders (customer_id, legacy_status) SELECT 1 + g % 7, 'st' || (g % 3) FROM generate_series(1, 500) g;
-- CreateTable
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint, legacy_status text);

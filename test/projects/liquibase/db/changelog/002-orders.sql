--liquibase formatted sql

--changeset ann:2
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint, legacy_status text);
--rollback DROP TABLE orders;

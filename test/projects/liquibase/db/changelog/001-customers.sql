--liquibase formatted sql

--changeset ann:1
CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL);
--rollback DROP TABLE customers;

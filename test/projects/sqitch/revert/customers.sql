-- Revert shop:customers from pg
BEGIN;
DROP TABLE customers;
COMMIT;

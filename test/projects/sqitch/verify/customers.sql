-- Verify shop:customers on pg
BEGIN;
SELECT id FROM customers WHERE false;
ROLLBACK;

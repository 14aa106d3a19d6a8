-- Verify shop:orders on pg
BEGIN;
SELECT id FROM orders WHERE false;
ROLLBACK;

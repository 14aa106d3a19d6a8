exports.up = async (knex) => {
  await knex.raw("CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL)");
  await knex.raw("INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(1, 10) g");
};
exports.down = (knex) => knex.raw("DROP TABLE customers");

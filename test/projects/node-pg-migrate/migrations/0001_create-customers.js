export const up = (pgm) => {
  pgm.sql("CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL)");
  pgm.sql("INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(1, 10) g");
};
export const down = (pgm) => pgm.sql("DROP TABLE customers");

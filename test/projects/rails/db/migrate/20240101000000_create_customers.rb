class CreateCustomers < ActiveRecord::Migration[6.1]
  def up
    execute "CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL)"
    execute "INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(1, 10) g"
  end

  def down
    drop_table :customers
  end
end

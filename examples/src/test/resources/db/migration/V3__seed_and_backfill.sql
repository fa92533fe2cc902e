INSERT INTO customer(email) VALUES ('ada@example.com'), ('grace@example.com');

INSERT INTO orders(number, customer_id, total)
SELECT NEXT VALUE FOR order_number, id, 10.00 FROM customer;

ALTER TABLE customer ADD COLUMN order_count INT DEFAULT 0 NOT NULL;

UPDATE customer c SET order_count = (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id);

CREATE SEQUENCE order_number START WITH 1000;

CREATE TABLE orders (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    number BIGINT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customer(id),
    total DECIMAL(10, 2) NOT NULL
);

CREATE INDEX orders_by_customer ON orders(customer_id);

-- The metric store's own database beside the application's (run once, when the data volume is created).
CREATE DATABASE x0tta6bl4_ops;

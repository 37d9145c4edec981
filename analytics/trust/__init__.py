"""Who may do what and what may leave: roles, PII masking, the minimum group size, safe export."""

"""Municipal services (diensten), their norms and reachability, and the business-day calendar."""

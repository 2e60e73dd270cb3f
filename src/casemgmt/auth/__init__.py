"""Employees, their roles and services, passwords, sessions, API tokens and guards."""

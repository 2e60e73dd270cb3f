"""The municipality's organisation as employees use it: the employee administration API and the Bereikbaarheid
page (services, their hours and the direct lines of their accountmanagers)."""

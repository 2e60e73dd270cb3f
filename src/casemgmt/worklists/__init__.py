"""Worklists (werkvoorraad): what each employee has to do now, with due signals."""

"""Shared materials, comments and questions of teachers, seen by circle: one's association, school or network."""
